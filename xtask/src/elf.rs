//! Just enough ELF64 reading to tell whether a binary is fully static: no PT_INTERP program
//! header (no dynamic loader) and no DT_NEEDED entry (no shared library). Reading the headers
//! ourselves is more reliable than parsing `file`'s prose.

const PT_INTERP: u32 = 3;
const PT_DYNAMIC: u32 = 2;
const DT_NEEDED: u64 = 1;

/// What the program headers say about linking.
#[derive(Debug, PartialEq, Eq)]
pub struct Linking {
    pub interpreter: bool,
    pub needed: usize,
}

impl Linking {
    pub fn is_static(&self) -> bool {
        !self.interpreter && self.needed == 0
    }
}

pub fn linking(bytes: &[u8]) -> Result<Linking, String> {
    if bytes.get(..4) != Some(b"\x7fELF") || bytes.get(4) != Some(&2) || bytes.get(5) != Some(&1) {
        return Err("not a little-endian 64-bit ELF file".into());
    }
    let u16_at = |o: usize| {
        bytes
            .get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |o: usize| {
        bytes
            .get(o..o + 4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
    };
    let u64_at = |o: usize| {
        bytes
            .get(o..o + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap()))
    };
    let truncated = || "truncated ELF header".to_string();
    let phoff = u64_at(0x20).ok_or_else(truncated)? as usize;
    let phentsize = usize::from(u16_at(0x36).ok_or_else(truncated)?);
    let phnum = usize::from(u16_at(0x38).ok_or_else(truncated)?);
    let mut linking = Linking {
        interpreter: false,
        needed: 0,
    };
    for i in 0..phnum {
        let header = phoff + i * phentsize;
        match u32_at(header).ok_or_else(truncated)? {
            PT_INTERP => linking.interpreter = true,
            PT_DYNAMIC => {
                let (offset, size) = (
                    u64_at(header + 8).ok_or_else(truncated)? as usize,
                    u64_at(header + 32).ok_or_else(truncated)? as usize,
                );
                for entry in (offset..offset + size).step_by(16) {
                    match u64_at(entry) {
                        Some(0) | None => break,
                        Some(DT_NEEDED) => linking.needed += 1,
                        Some(_) => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(linking)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_test_binary_is_dynamic() {
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let l = linking(&me).unwrap();
        assert!(l.interpreter && l.needed > 0, "{l:?}");
        assert!(!l.is_static());
    }

    #[test]
    fn garbage_is_refused() {
        assert!(linking(b"not an elf").is_err());
        assert!(linking(b"\x7fELF\x02\x01").is_err());
    }
}
