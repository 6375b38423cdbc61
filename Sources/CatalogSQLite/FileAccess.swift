#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the file system lets this process do with a database file and the folder where SQLite
/// puts its side files (`-wal`, `-shm`, `-journal`) and catalog its `-lock`: asked before a
/// write, and after a read fails, so that a read-only file, folder or medium is named in words
/// instead of failing deep inside SQLite as `SQLITE_READONLY` or `SQLITE_CANTOPEN`.
///
/// Permissions are checked for the effective user (`faccessat` with `AT_EACCESS`); a read-only
/// file system answers `EROFS` whatever the permissions say.
enum FileAccess {
    /// Why this process cannot change the database at `path` (an existing file, or one to
    /// create), or nil when the file system allows it.
    ///
    /// A SQLite write needs the file and its folder: the folder receives the `-wal` and `-shm`
    /// files (or a rollback journal), and catalog's lock file.
    static func writeRefusal(_ path: String) -> DatabaseAccessError? {
        let real = FileWriteLock.resolve(path)
        let folder = directoryName(real)
        // Only a refusal counts: a folder that does not exist is for SQLite to report.
        var fileReadOnly = false
        if access(real, F_OK) == 0 && faccessat(AT_FDCWD, real, W_OK, AT_EACCESS) != 0 {
            if errno == EROFS { return readOnlyFileSystem(path) }
            fileReadOnly = errno == EACCES || errno == EPERM
        }
        var folderReadOnly = false
        if faccessat(AT_FDCWD, folder, W_OK | X_OK, AT_EACCESS) != 0 {
            if errno == EROFS { return readOnlyFileSystem(path) }
            folderReadOnly = errno == EACCES || errno == EPERM
        }
        let shown = shownFolder(path)
        let reason: String
        switch (fileReadOnly, folderReadOnly) {
        case (false, false): return nil
        case (true, false): reason = "the file is not writable for this user"
        case (false, true):
            reason = "its folder \(shown) is not writable for this user (SQLite writes its -wal and -shm files there)"
        case (true, true): reason = "the file and its folder \(shown) are not writable for this user"
        }
        return DatabaseAccessError(
            .readOnly,
            "cannot change \(path): \(reason); nothing was changed (to change the catalog, copy it to a folder "
                + "you can write to, or run as a user who can write there)")
    }

    private static func readOnlyFileSystem(_ path: String) -> DatabaseAccessError {
        DatabaseAccessError(
            .readOnly,
            "cannot change \(path): it is on a read-only file system; nothing was changed (to change the catalog, "
                + "copy it to a writable folder)")
    }

    /// True when this process may create files in the folder of the database at `path` (the
    /// real folder, symbolic links followed as SQLite follows them).
    static func canCreateFiles(beside path: String) -> Bool {
        if faccessat(AT_FDCWD, directoryName(FileWriteLock.resolve(path)), W_OK | X_OK, AT_EACCESS) == 0 { return true }
        return errno != EACCES && errno != EPERM && errno != EROFS
    }

    /// True when no ordinary writer can change the database at `path`: its folder is on a
    /// read-only file system, or has no write permission for anyone (mode 555), so no writer can
    /// create the `-wal` or journal a write needs. Only then may the file be read as
    /// `immutable=1`, which takes no locks: a folder writable by its owner (a root-owned 755
    /// system folder) lets the owner write while an immutable reader reads torn pages.
    static func isFrozen(_ path: String) -> Bool {
        let folder = directoryName(FileWriteLock.resolve(path))
        var volume = statvfs()
        if statvfs(folder, &volume) == 0 && volume.f_flag & 1 != 0 { return true }  // ST_RDONLY
        var info = stat()
        return stat(folder, &info) == 0 && info.st_mode & 0o222 == 0
    }

    /// Why a WAL database in a folder that others may write to cannot be read by this process,
    /// which may not create the `-shm` file SQLite needs there.
    static func frozenRefusal(_ path: String) -> DatabaseAccessError {
        let folder = shownFolder(path)
        return DatabaseAccessError(
            .cannotOpen,
            "cannot read \(path): SQLite reads this WAL database only by creating \(path)-shm, and its folder "
                + "\(folder) is not writable for this user (while others may write there, reading without it could "
                + "see a half-written change); ask the folder's owner to switch it to a rollback journal, which "
                + "any user can read (sqlite3 \(path) 'PRAGMA journal_mode=DELETE'), or to make the folder "
                + "read-only for everyone (chmod 555), or copy the database to a folder you can write to")
    }

    /// Why the database at `path` cannot be read without writing beside it, for a folder this
    /// process cannot write to: a write-ahead log or a rollback journal with content. Reading the
    /// file alone would then return old data or a half-written state, so it is refused. Nil when
    /// neither file has content: the database file alone is then the whole database.
    static func readRefusal(_ path: String) -> DatabaseAccessError? {
        let real = FileWriteLock.resolve(path)
        let folder = shownFolder(path)
        if size(real + "-wal") ?? 0 > 0 {
            return DatabaseAccessError(
                .cannotOpen,
                "cannot read \(path): its write-ahead log \(path)-wal holds changes that SQLite can read only by "
                    + "creating \(path)-shm, and its folder \(folder) is not writable for this user; checkpoint it "
                    + "where the folder is writable (sqlite3 \(path) 'PRAGMA wal_checkpoint(TRUNCATE)'), or copy "
                    + "the database with its -wal file to a writable folder")
        }
        if size(real + "-journal") ?? 0 > 0 {
            return DatabaseAccessError(
                .cannotOpen,
                "cannot read \(path): \(path)-journal holds an interrupted write that must be rolled back first, "
                    + "and its folder \(folder) is not writable for this user; open it once as a user who can "
                    + "write there, so that SQLite rolls it back, or copy the database with its -journal file to "
                    + "a writable folder")
        }
        return nil
    }

    /// The size of the file at `path` in bytes, nil when there is none.
    static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// The folder part of `path` as given (`.` for a bare file name).
    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The folder of `path` for a message: as given, or the real one when `path` is a link
    /// into another folder.
    private static func shownFolder(_ path: String) -> String {
        let given = directoryName(path)
        let real = directoryName(FileWriteLock.resolve(path))
        guard let resolved = realpath(given, nil) else { return real }
        defer { free(resolved) }
        return String(cString: resolved) == real ? given : real
    }
}
