/* ja-test-fs.c — see ja-test-fs.h. */
#include "tests/support/ja-test-fs.h"

#include <glib/gstdio.h>

void
ja_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL) {
    g_unlink (path);
    return;
  }
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR)
        && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
      ja_test_remove_tree (child);
    else
      g_unlink (child);
  }
  g_dir_close (dir);
  g_rmdir (path);
}
