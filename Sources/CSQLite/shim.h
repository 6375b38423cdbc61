#ifndef CATALOG_CSQLITE_SHIM_H
#define CATALOG_CSQLITE_SHIM_H

#include <sqlite3.h>

// sqlite3_db_config is variadic, and Swift cannot call C variadic functions.
// These fixed-arity wrappers cover the integer options (SQLITE_DBCONFIG_DEFENSIVE,
// SQLITE_DBCONFIG_ENABLE_FKEY, ...): set `value`, read the new state into `*result`.
static inline int catalog_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *result) {
    return sqlite3_db_config(db, op, value, result);
}

// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer; Swift cannot import it.
static inline sqlite3_destructor_type catalog_sqlite3_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
