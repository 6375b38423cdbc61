// libedit, the BSD line editor (and history), from Debian's libedit-dev (histedit.h).
//
// catalog does not link libedit: it loads libedit.so.2 with dlopen when `catalog sql` opens its
// interactive prompt, as it loads libpq for a postgres:// URL (CLibPQ/shim.h). Every other
// command keeps its start-up time and the release binary stays fully static. The functions are
// called through `catalog_libedit`, whose fields the C compiler types from the header's own
// declarations (__typeof__), so a signature cannot drift from libedit's.
//
// el_set and history are variadic, which Swift cannot call: the catalog_el_* and
// catalog_history_* functions below call them with one fixed set of arguments each.
#include <dlfcn.h>
#include <stdio.h>
#include <histedit.h>

#define CATALOG_LIBEDIT_FUNCTIONS(X) \
    X(el_init) X(el_end) X(el_gets) X(el_set) X(el_source) X(el_resize) X(el_line) X(el_insertstr) \
    X(history_init) X(history_end) X(history)

#define CATALOG_LIBEDIT_FIELD(name) __typeof__(name) *_Nonnull name;
typedef struct {
    CATALOG_LIBEDIT_FUNCTIONS(CATALOG_LIBEDIT_FIELD)
} catalog_libedit;

// Loads libedit into *table. Returns NULL, or dlerror()'s message (a missing library or symbol).
static inline const char *_Nullable catalog_libedit_load(catalog_libedit *_Nonnull table) {
    void *handle = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) return dlerror();
#define CATALOG_LIBEDIT_LOAD(name) \
    table->name = (__typeof__(name) *)dlsym(handle, #name); \
    if (table->name == NULL) return dlerror();
    CATALOG_LIBEDIT_FUNCTIONS(CATALOG_LIBEDIT_LOAD)
#undef CATALOG_LIBEDIT_LOAD
    return NULL;
}

// el_init on the process's stdin, drawing on stdout (or on stderr when `draw_on_stderr`), with
// errors on stderr. (Swift 6 cannot name the C library's `stdout` variables.)
static inline EditLine *_Nullable catalog_el_init(
    const catalog_libedit *_Nonnull t, const char *_Nonnull program, int draw_on_stderr) {
    return t->el_init(program, stdin, draw_on_stderr ? stderr : stdout, stderr);
}

// el_set(el, op, string): EL_EDITOR, EL_TERMINAL.
static inline int catalog_el_set_string(
    const catalog_libedit *_Nonnull t, EditLine *_Nonnull el, int op, const char *_Nonnull value) {
    return t->el_set(el, op, value);
}

// el_set(el, op, int): EL_SIGNAL, EL_UNBUFFERED.
static inline int catalog_el_set_int(const catalog_libedit *_Nonnull t, EditLine *_Nonnull el, int op, int value) {
    return t->el_set(el, op, value);
}

// el_set(el, EL_REFRESH): redraws the line (after a change of the terminal's size).
static inline int catalog_el_refresh(const catalog_libedit *_Nonnull t, EditLine *_Nonnull el) {
    return t->el_set(el, EL_REFRESH);
}

// el_set(el, EL_PROMPT, function).
static inline int catalog_el_set_prompt(
    const catalog_libedit *_Nonnull t, EditLine *_Nonnull el, char *_Nonnull (*_Nonnull prompt)(EditLine *_Nonnull)) {
    return t->el_set(el, EL_PROMPT, prompt);
}

// el_set(el, EL_GETCFN, function): where the editor reads each character.
static inline int catalog_el_set_getc(const catalog_libedit *_Nonnull t, EditLine *_Nonnull el, el_rfunc_t _Nonnull getc) {
    return t->el_set(el, EL_GETCFN, getc);
}

// el_set(el, EL_HIST, history, h): the history the editor's keys move through.
static inline int catalog_el_set_history(
    const catalog_libedit *_Nonnull t, EditLine *_Nonnull el, History *_Nonnull history) {
    return t->el_set(el, EL_HIST, t->history, history);
}

// el_set(el, EL_ADDFN, name, help, function): a named editor command of ours.
static inline int catalog_el_add_function(
    const catalog_libedit *_Nonnull t, EditLine *_Nonnull el, const char *_Nonnull name, const char *_Nonnull help,
    unsigned char (*_Nonnull function)(EditLine *_Nonnull, int)) {
    return t->el_set(el, EL_ADDFN, name, help, function);
}

// el_set(el, EL_BIND, key, command, NULL).
static inline int catalog_el_bind(
    const catalog_libedit *_Nonnull t, EditLine *_Nonnull el, const char *_Nonnull key, const char *_Nonnull command) {
    return t->el_set(el, EL_BIND, key, command, (const char *)NULL);
}

// history(h, &event, op, int): H_SETSIZE, H_SETUNIQUE.
static inline int catalog_history_int(
    const catalog_libedit *_Nonnull t, History *_Nonnull h, HistEvent *_Nonnull event, int op, int value) {
    return t->history(h, event, op, value);
}

// history(h, &event, op, string): H_ENTER, H_LOAD, H_SAVE.
static inline int catalog_history_string(
    const catalog_libedit *_Nonnull t, History *_Nonnull h, HistEvent *_Nonnull event, int op,
    const char *_Nonnull value) {
    return t->history(h, event, op, value);
}
