//! The one C library function lite3 needs besides SQLite's own: `pthread_atfork`, so that the
//! safe crate learns that it is running in a child process. SQLite's rule is that a connection
//! opened before `fork()` must never be used in the child; lite3 enforces it with a counter that
//! a child handler bumps. Declared by hand: it is POSIX's, not SQLite's, and lives in libc,
//! which every Unix Rust program links already.

#[cfg(unix)]
unsafe extern "C" {
    /// POSIX `pthread_atfork`: registers handlers run around `fork()`. Each may be `None`.
    /// Returns 0 on success, an error number otherwise.
    pub fn pthread_atfork(
        prepare: Option<unsafe extern "C" fn()>,
        parent: Option<unsafe extern "C" fn()>,
        child: Option<unsafe extern "C" fn()>,
    ) -> core::ffi::c_int;
}
