-- `rights lsp` in a real editor: headless Neovim (0.7 or newer) opens a
-- policy, waits for the server's diagnostics, jumps to a definition in another
-- file and renames a role across two files (one never opened), writes every
-- changed buffer, completes a dotted name and opens a file of a nested project.
--
--   RIGHTS_BIN=…/rights WORKDIR=<copy of tests/lsp/workspace> \
--     nvim --headless --clean -c 'luafile tests/editor/nvim_lsp.lua'
--
-- One line per step goes to WORKDIR/result.txt:
--   DIAG <line> <first line of the message>   (every diagnostic, 1-based line)
--   DEF <file name> <line>                    (the cursor after the jump)
--   RENAMED
--   COMPLETED <the line after a dotted name's completion>
--   NESTED <line> <message>                  (diagnostics of a nested project)
-- then `:qa!`. On any failure the file ends with `ERROR <what>` and Neovim
-- exits nonzero (`:cq`). RIGHTS_NVIM_LOG=debug logs the JSON-RPC traffic to
-- the file `vim.lsp.get_log_path()` names.

local RIGHTS_BIN = os.getenv('RIGHTS_BIN')
local WORKDIR = os.getenv('WORKDIR')
local EXPECTED_DIAG = 'role `admin` already inherits `report.status_detail`'
local STEP_MS = 10000
local OVERALL_MS = 30000

-- the same names on 0.7 and on releases where some were renamed
local uv = vim.uv or vim.loop
local islist = vim.islist or vim.tbl_islist

local lines = {}
local client_id = nil
local done = false

-- Writes the results to WORKDIR/result.txt (stderr too, when one failed).
-- Safe in a fast (luv) context: plain file I/O only.
local function write_results(failed)
  local text = table.concat(lines, '\n') .. '\n'
  if WORKDIR and WORKDIR ~= '' then
    local f = io.open(WORKDIR .. '/result.txt', 'w')
    if f then
      f:write(text)
      f:close()
    end
  end
  if failed then
    io.stderr:write(text)
  end
end

local function record(line)
  table.insert(lines, line)
end

local function client_stopped()
  local client = vim.lsp.get_client_by_id(client_id)
  -- `client.is_stopped(client)`: a plain function on 0.7, a method later
  return client == nil or client.is_stopped(client)
end

-- Stops the server (politely, then by force) so no child outlives the editor.
local function stop_client()
  if not client_id then
    return
  end
  pcall(vim.lsp.stop_client, client_id)
  pcall(vim.wait, 2000, client_stopped, 20)
  if not client_stopped() then
    pcall(vim.lsp.stop_client, client_id, true)
  end
end

local function finish(err)
  if done then
    return
  end
  done = true
  if err then
    record('ERROR ' .. tostring(err):gsub('\n', ' | '))
  end
  write_results(err ~= nil)
  stop_client()
  if err then
    vim.cmd('cq')
  else
    vim.cmd('qa!')
  end
end

-- The backstop: nothing below may keep the editor alive past OVERALL_MS.
local overall = uv.new_timer()
overall:start(OVERALL_MS, 0, function()
  -- a fast (luv) context: plain file I/O only, then exit from the main loop
  table.insert(lines, 'ERROR timeout after ' .. OVERALL_MS .. ' ms')
  write_results(true)
  done = true
  vim.schedule(function()
    vim.cmd('cq')
  end)
  -- if the main loop never gets to it, leave anyway
  uv.new_timer():start(3000, 0, function()
    os.exit(3)
  end)
end)

local function fail(what)
  error(what, 0)
end

local function wait_for(what, cond)
  if not vim.wait(STEP_MS, cond, 50) then
    fail('timed out waiting for ' .. what)
  end
end

-- Puts the cursor on the `nth` (1-based) occurrence of `needle` in the
-- current buffer, `shift` bytes into it.
local function cursor_on(needle, nth, shift)
  local seen = 0
  for i, text in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local from = 1
    while true do
      local s = text:find(needle, from, true)
      if not s then
        break
      end
      seen = seen + 1
      if seen == nth then
        vim.api.nvim_win_set_cursor(0, { i, s - 1 + (shift or 0) })
        return
      end
      from = s + 1
    end
  end
  fail('`' .. needle .. '` #' .. nth .. ' is not in ' .. vim.api.nvim_buf_get_name(0))
end

-- One request to our server; returns its result or fails with its error.
local function request(buf, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, STEP_MS)
  if not responses then
    fail(method .. ': no response (' .. tostring(err) .. ')')
  end
  local response = responses[client_id]
  if not response then
    fail(method .. ': no response from the rights server')
  end
  if response.error then
    fail(method .. ': ' .. vim.inspect(response.error))
  end
  return response.result
end

local function position_params()
  return vim.lsp.util.make_position_params(0, 'utf-16')
end

local function main()
  if not RIGHTS_BIN or RIGHTS_BIN == '' then
    fail('RIGHTS_BIN is not set')
  end
  if not WORKDIR or WORKDIR == '' then
    fail('WORKDIR is not set')
  end
  if os.getenv('RIGHTS_NVIM_LOG') then
    vim.lsp.set_log_level(os.getenv('RIGHTS_NVIM_LOG'))
  end
  vim.o.hidden = true
  vim.o.swapfile = false

  -- (1) open the policy and attach the server to it
  vim.cmd('edit ' .. vim.fn.fnameescape(WORKDIR .. '/roles.rights'))
  local roles = vim.api.nvim_get_current_buf()
  local config = {
    name = 'rights',
    cmd = { RIGHTS_BIN, 'lsp' },
    root_dir = WORKDIR,
    get_language_id = function()
      return 'rights'
    end,
  }
  if vim.lsp.start_client then
    client_id = vim.lsp.start_client(config)
    if client_id then
      vim.lsp.buf_attach_client(roles, client_id)
    end
  else
    client_id = vim.lsp.start(config, { bufnr = roles })
  end
  if not client_id then
    fail('the client did not start: ' .. RIGHTS_BIN .. ' lsp')
  end
  wait_for('the server to initialize', function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end)

  -- (2) the server's diagnostics
  wait_for('the diagnostic `' .. EXPECTED_DIAG .. '`', function()
    for _, d in ipairs(vim.diagnostic.get(roles)) do
      if d.message:find(EXPECTED_DIAG, 1, true) then
        return true
      end
    end
    return false
  end)
  local diags = vim.diagnostic.get(roles)
  table.sort(diags, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  for _, d in ipairs(diags) do
    record(string.format('DIAG %d %s', d.lnum + 1, d.message:match('[^\n]*')))
  end

  -- (3) go to the definition of a right declared in the other file
  cursor_on('requires right report.status_detail', 1, #'requires right report.')
  local def = request(roles, 'textDocument/definition', position_params())
  if def == nil or (islist(def) and #def == 0) then
    fail('textDocument/definition: no location')
  end
  local loc = islist(def) and def[1] or def
  local jumped
  if vim.lsp.util.show_document then
    jumped = vim.lsp.util.show_document(loc, 'utf-16', { focus = true })
  else
    jumped = vim.lsp.util.jump_to_location(loc, 'utf-16')
  end
  if not jumped then
    fail('could not jump to ' .. vim.inspect(loc))
  end
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':t')
  record(string.format('DEF %s %d', name, vim.api.nvim_win_get_cursor(0)[1]))

  -- (4) back in roles.rights, rename the role `reporter` where it is declared
  vim.api.nvim_set_current_buf(roles)
  cursor_on('role reporter', 1, #'role ')
  local params = position_params()
  params.newName = 'viewer'
  local edit = request(roles, 'textDocument/rename', params)
  if edit == nil then
    fail('textDocument/rename: no edit')
  end
  vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
  vim.cmd('silent wall')
  record('RENAMED')

  -- (5) complete a dotted name: the item's edit replaces what is typed of it
  local last = vim.api.nvim_buf_line_count(roles)
  vim.api.nvim_buf_set_lines(roles, last, last, false, { 'role x {', '  grant report.st', '}' })
  local typed = { textDocument = { uri = vim.uri_from_bufnr(roles) },
                  position = { line = last + 1, character = #'  grant report.st' } }
  local completion = request(roles, 'textDocument/completion', typed)
  local items = completion and (completion.items or completion) or {}
  if #items == 0 then
    fail('textDocument/completion: no items after `grant report.st`')
  end
  local item = items[1]
  if not item.textEdit then
    fail('textDocument/completion: no textEdit in ' .. vim.inspect(item))
  end
  vim.lsp.util.apply_text_edits({ item.textEdit }, roles, 'utf-16')
  record('COMPLETED ' .. vim.api.nvim_buf_get_lines(roles, last + 1, last + 2, false)[1])

  -- (6) a folder below with its own rights.toml is a project of its own:
  -- `status.override` of the folder above is unknown there
  vim.cmd('edit ' .. vim.fn.fnameescape(WORKDIR .. '/nested/p.rights'))
  local nested = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(nested, client_id)
  local want = 'unknown right `status.override`'
  wait_for('the diagnostic `' .. want .. '`', function()
    for _, d in ipairs(vim.diagnostic.get(nested)) do
      if d.message:find(want, 1, true) then
        return true
      end
    end
    return false
  end)
  for _, d in ipairs(vim.diagnostic.get(nested)) do
    record(string.format('NESTED %d %s', d.lnum + 1, d.message:match('[^\n]*')))
  end
end

local ok, err = pcall(main)
if done then
  return
end
local ok2, err2 = pcall(finish, not ok and err or nil)
if not ok2 then
  -- finishing failed (a write, a quit): still never hang
  io.stderr:write('nvim_lsp.lua: ' .. tostring(err2) .. '\n')
  os.exit(2)
end
