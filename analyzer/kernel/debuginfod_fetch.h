/* Debug files fetched by build id from the debuginfod servers named in
 * DEBUGINFOD_URLS, through elfutils' libdebuginfod and its cache
 * (DEBUGINFOD_CACHE_PATH, else ~/.cache/debuginfod_client): what a single
 * run or a batch worker uses when no local tree has the dump's kernel. */
#ifndef WHYHUNG_DEBUGINFOD_FETCH_H
#define WHYHUNG_DEBUGINFOD_FETCH_H

#include <stdbool.h>

#include "error.h"

/* May debuginfod be asked? Not with --offline (OFFLINE), nor when
 * DEBUGINFOD_URLS is unset or empty: then no network is touched. */
bool wh_debuginfod_enabled(bool offline);

/* Is S a build id whyhung will put in a URL or a file name: 2 to 128
 * lowercase hex digits, an even number? (It comes from the dump.) */
bool wh_build_id_usable(const char *s);

/* A progress line on stderr while downloading, when stderr is a TTY: on
 * unless turned off (batch workers: the batch has its own line). */
void wh_debuginfod_set_progress(bool on);

/* FN(ARG) is called now and then while a fetch waits for the cache lock
 * or downloads: a batch worker says so, and its time limit waits. */
void wh_debuginfod_set_activity(void (*fn)(void *arg), void *arg);

/* The debug file of BUILD_ID (WHAT names it in messages and the progress
 * line: "vmlinux", "module ext4"), from the cache or downloaded into it;
 * its path in RET (malloc'd). Concurrent whyhung processes fetch one at a
 * time, so a batch downloads each build id once and the others find it in
 * the cache. The file is checked to carry BUILD_ID. Errors:
 * WH_ERR_NO_VMLINUX: the servers do not have it;
 * WH_ERR_NETWORK: no server answered (down, refused, timed out);
 * WH_ERR_MISMATCH: the file served has another build id or none (it is
 * removed from the cache, so a corrected server is asked again). */
struct wh_error *wh_debuginfod_fetch(const char *build_id, const char *what, char **ret);

#endif
