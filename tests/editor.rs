//! `rights lsp` in a real editor: headless Neovim runs
//! `tests/editor/nvim_lsp.lua` against a copy of `tests/lsp/workspace/`. It
//! opens a policy, receives the server's diagnostics, jumps to a definition in
//! another file and renames a role across a policy file and the JSON data,
//! then writes every buffer; this test checks what the script saw and what the
//! files hold afterwards. Without `nvim` (0.7 or newer) on PATH the test says
//! so and passes (`.ci/install-editors` installs it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a whole editor session may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(60);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `(major, minor)` of the `nvim` on PATH, or `None` if there is none.
fn nvim_version() -> Option<(u32, u32)> {
    let out = Command::new("nvim")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// A copy of the LSP fixture in a fresh temporary folder, where the JSON data
/// also names the role `reporter`, so renaming it reaches a second file.
fn workspace() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rights-editor-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for entry in fs::read_dir(root().join("tests/lsp/workspace")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let users = dir.join("users.json");
    let json = fs::read_to_string(&users).unwrap();
    let anchor = "\"users\": [\n";
    assert!(json.contains(anchor), "users.json lists its users: {json}");
    let json = json.replacen(
        anchor,
        &format!("{anchor}    {{ \"id\": \"carol\", \"roles\": [\"reporter\"] }},\n"),
        1,
    );
    fs::write(&users, json).unwrap();
    // a project of its own below: it shares nothing with the folder above
    fs::create_dir_all(dir.join("nested")).unwrap();
    fs::write(dir.join("nested/rights.toml"), "").unwrap();
    fs::write(
        dir.join("nested/p.rights"),
        "right report.status_detail \"Status Detail\"\nrole n { grant report.status_detail, status.override }\n",
    )
    .unwrap();
    dir
}

#[test]
fn neovim_diagnostics_definition_and_rename() {
    match nvim_version() {
        None => {
            common::tool_missing("nvim is not installed (.ci/install-editors installs it)");
            return;
        }
        Some(v) if v < (0, 7) => {
            common::tool_missing(&format!("nvim {}.{} is older than 0.7", v.0, v.1));
            return;
        }
        Some(_) => {}
    }
    let dir = workspace();
    let script = root().join("tests/editor/nvim_lsp.lua");
    // `:luafile` takes the rest of the line as the file name: escape spaces
    let luafile = format!(
        "luafile {}",
        script.display().to_string().replace(' ', "\\ ")
    );
    let stdout = fs::File::create(dir.join("nvim.stdout")).unwrap();
    let stderr = fs::File::create(dir.join("nvim.stderr")).unwrap();
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-c", &luafile])
        .env("RIGHTS_BIN", env!("CARGO_BIN_EXE_rights"))
        .env("WORKDIR", &dir)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("nvim starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "nvim still ran after {TIMEOUT:?} and was killed; see {}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };

    let read = |name: &str| fs::read_to_string(dir.join(name)).unwrap_or_default();
    let result = read("result.txt");
    let context = format!(
        "nvim exited with {status}\n--- result.txt\n{result}--- stderr\n{}\n(workspace kept at {})",
        read("nvim.stderr"),
        dir.display()
    );
    assert!(status.success(), "{context}");
    let lines: Vec<&str> = result.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("DIAG ")
            && l.contains("role `admin` already inherits `report.status_detail`")),
        "the R004 diagnostic reached the editor\n{context}"
    );
    assert!(
        lines.contains(&"DEF rights.rights 4"),
        "the definition is in rights.rights, line 4\n{context}"
    );
    assert!(lines.contains(&"RENAMED"), "{context}");
    // the dotted name completed whole, not appended to what was typed
    assert!(
        lines
            .iter()
            .any(|l| *l == "COMPLETED   grant report.status_detail"
                || *l == "COMPLETED   grant report.status_summary"),
        "a dotted name completes in Neovim\n{context}"
    );
    // the nested project: its own `report.status_detail` is not declared
    // twice, and the folder above's `status.override` is unknown there
    let nested: Vec<&&str> = lines.iter().filter(|l| l.starts_with("NESTED ")).collect();
    assert!(
        nested
            .iter()
            .any(|l| l.contains("unknown right `status.override`")),
        "{context}"
    );
    assert!(!nested.iter().any(|l| l.contains("twice")), "{context}");

    let roles = read("roles.rights");
    for renamed in ["role viewer", "extends viewer", "roles viewer"] {
        assert!(
            roles.contains(renamed),
            "roles.rights has `{renamed}`:\n{roles}"
        );
    }
    assert!(
        !roles.contains("reporter"),
        "roles.rights still names `reporter`:\n{roles}"
    );
    let users = read("users.json");
    assert!(
        users.contains("\"roles\": [\"viewer\"]"),
        "users.json has the new name:\n{users}"
    );
    assert!(
        !users.contains("reporter"),
        "users.json still names `reporter`:\n{users}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Vim and Neovim without the language server (or older than 0.8)
/// highlight through `editors/vim`: the file type is detected, keywords are
/// keywords, a dotted name is not, comments and strings are theirs.
#[test]
fn neovim_highlights_with_the_vim_syntax_file() {
    if nvim_version().is_none() {
        common::tool_missing("nvim is not installed (.ci/install-editors installs it)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("rights-vim-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("p.rights");
    fs::write(
        &policy,
        "# a comment\nrole admin \"Admin\" extends reporter {\n  grant report.status_detail\n}\n",
    )
    .unwrap();
    let out = dir.join("out.txt");
    // the name of the syntax group at (line, column), 1-based
    let script = format!(
        "filetype plugin on | syntax on | edit {file} | \
         call writefile([&filetype, &commentstring] + map([[1, 3], [2, 1], [2, 13], [2, 21], [3, 3], [3, 9], [3, 16]], \
         'synIDattr(synID(v:val[0], v:val[1], 1), \"name\")'), '{out}') | qa!",
        file = policy.display(),
        out = out.display()
    );
    // where a plugin manager puts it: on the runtime path before start-up
    let rtp = format!("set rtp^={}", root().join("editors/vim").display());
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "--cmd", &rtp, "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("nvim starts");
    assert!(status.success());
    let got = fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(
        lines,
        vec![
            "rights",
            "# %s",
            "rightsComment",
            "rightsDeclaration",
            "rightsString",
            "rightsKeyword",
            "rightsKeyword",
            "",
            ""
        ],
        "filetype, commentstring, then: comment, `role`, `\"Admin\"`, `extends`, `grant`, \
         `report` and `status_detail` of a dotted name (no group)"
    );
    let _ = fs::remove_dir_all(&dir);
}
