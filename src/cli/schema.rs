//! `attache schema`: print the SDL, write it, or check the committed file.

use std::path::Path;

use anyhow::{bail, Context, Result};

pub(super) fn schema_cmd(out: Option<&Path>, check: bool) -> Result<()> {
    let sdl = crate::api::sdl();
    match (out, check) {
        (Some(path), true) => {
            let on_disk = std::fs::read_to_string(path).unwrap_or_default();
            if on_disk != sdl {
                bail!(
                    "{} is stale: run `attache schema --out {}`",
                    path.display(),
                    path.display()
                );
            }
            eprintln!("{} is current", path.display());
        }
        (Some(path), false) => {
            std::fs::write(path, &sdl)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        (None, _) => print!("{sdl}"),
    }
    Ok(())
}
