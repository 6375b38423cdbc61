// libpq, PostgreSQL's C client, from Debian's libpq-dev (headers in /usr/include/postgresql).
#include <postgresql/libpq-fe.h>
