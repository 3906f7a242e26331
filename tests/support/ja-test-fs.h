/* ja-test-fs.h — file-system helpers for tests that write into a
 * g_dir_make_tmp directory. No network, no main loop. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deletes path and everything below it; symlinks are removed, never
 * followed. Best effort: a test's teardown must not fail on leftovers. */
void ja_test_remove_tree (const char *path);

G_END_DECLS
