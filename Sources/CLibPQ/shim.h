// libpq, PostgreSQL's C client, from Debian's libpq-dev (headers in /usr/include/postgresql).
//
// catalog does not link libpq: it loads libpq.so.5 with dlopen the first time a postgres:// URL
// is used, so the SQLite commands keep their start-up time (libpq and its 24 libraries would
// nearly double it) and the release binary stays fully static. The header gives the types; the
// functions are called through `catalog_libpq`, whose fields the C compiler types from the
// header's own declarations (__typeof__), so a signature cannot drift from libpq's.
#include <dlfcn.h>
#include <stddef.h>
#include <postgresql/libpq-fe.h>

#define CATALOG_LIBPQ_FUNCTIONS(X) \
    X(PQconnectdb) X(PQconnectdbParams) X(PQfinish) X(PQstatus) X(PQerrorMessage) X(PQtransactionStatus) \
    X(PQconninfoParse) X(PQconninfoFree) X(PQuser) X(PQhost) X(PQport) X(PQdb) \
    X(PQsetNoticeProcessor) X(PQexec) X(PQprepare) X(PQdescribePrepared) X(PQexecPrepared) \
    X(PQresultStatus) X(PQresultErrorField) X(PQclear) X(PQntuples) X(PQnfields) X(PQnparams) \
    X(PQfname) X(PQftype) X(PQgetvalue) X(PQgetisnull) X(PQgetlength) X(PQcmdTuples) \
    X(PQcmdStatus) X(PQfreemem) X(PQgetCancel) X(PQcancel) X(PQfreeCancel) X(PQputCopyData) \
    X(PQputCopyEnd) X(PQgetResult) X(PQlibVersion) X(PQsendQueryPrepared) X(PQsetSingleRowMode)

#define CATALOG_LIBPQ_FIELD(name) __typeof__(name) *_Nonnull name;
typedef struct {
    CATALOG_LIBPQ_FUNCTIONS(CATALOG_LIBPQ_FIELD)
} catalog_libpq;

// Loads libpq into *table. Returns NULL, or dlerror()'s message (a missing library or symbol).
static inline const char *_Nullable catalog_libpq_load(catalog_libpq *_Nonnull table) {
    void *handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) return dlerror();
#define CATALOG_LIBPQ_LOAD(name) \
    table->name = (__typeof__(name) *)dlsym(handle, #name); \
    if (table->name == NULL) return dlerror();
    CATALOG_LIBPQ_FUNCTIONS(CATALOG_LIBPQ_LOAD)
#undef CATALOG_LIBPQ_LOAD
    return NULL;
}
