//! The Zed extension for Rights policies. Zed highlights `.rights` files
//! with the tree-sitter grammar in `editors/tree-sitter-rights`; this crate
//! tells Zed how to start the language server: `rights lsp`, found on the
//! PATH of the shell of the project Zed opened.

use zed_extension_api::{self as zed, LanguageServerId, Result, Worktree};

struct Rights;

impl zed::Extension for Rights {
    fn new() -> Self {
        Rights
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<zed::Command> {
        let command = worktree.which("rights").ok_or_else(|| {
            "`rights` is not on the PATH: install it (`cargo install --path .` in a clone \
             of the rights repository), then restart Zed"
                .to_string()
        })?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".to_string()],
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(Rights);
