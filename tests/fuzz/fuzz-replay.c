/* fuzz-replay.c — runs a libFuzzer target without libFuzzer (GStreamer's
 * localfuzzer idea): LLVMFuzzerTestOneInput over a few built-in inputs and
 * then over every file named on the command line or found in a directory
 * named there (sorted, so runs are reproducible), each also cut in half.
 * Linked with each fuzz-*.c when building with gcc or without
 * -Dfuzzing=enabled, so every committed corpus entry, crash inputs
 * included, is replayed by `meson test --suite fuzz-replay`. A missing or
 * empty corpus is a failure, not a skip. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const builtin_inputs[] = {
  "", " ", "\n", "<", ">", "&", "<a", "<a>", "</a>", "<a/>",
  "\xff\xfe", "\xef\xbb\xbf<a/>", "%s%n%x", "00000000000000000000000000000",
};

static guint n_runs;

static void
run_one (const uint8_t *data, size_t size)
{
  /* A private copy, so a target reading past size hits the sanitizer;
   * never NULL, as with libFuzzer. */
  g_autofree uint8_t *copy = g_malloc (MAX (size, 1));

  if (size > 0)
    memcpy (copy, data, size);

  LLVMFuzzerTestOneInput (copy, size);
  n_runs++;
}

static gboolean
run_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error)) {
    fprintf (stderr, "fuzz-replay: %s\n", error->message);
    return FALSE;
  }
  printf ("# %s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
  fflush (stdout);
  run_one ((const uint8_t *) contents, len);
  if (len > 1)
    run_one ((const uint8_t *) contents, len / 2);
  return TRUE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
run_dir (const char *path, guint *n_files)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL) {
    fprintf (stderr, "fuzz-replay: %s\n", error->message);
    return FALSE;
  }
  while ((name = g_dir_read_name (dir)) != NULL) {
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *file = g_build_filename (path, names->pdata[i], NULL);

    if (g_file_test (file, G_FILE_TEST_IS_DIR))
      continue;
    if (!run_file (file))
      return FALSE;
    (*n_files)++;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint n_files = 0;

  for (guint i = 0; i < G_N_ELEMENTS (builtin_inputs); i++)
    run_one ((const uint8_t *) builtin_inputs[i], strlen (builtin_inputs[i]));
  /* Embedded NULs and every single byte value. */
  run_one ((const uint8_t *) "<a>\0</a>", 8);
  for (guint b = 0; b < 256; b++) {
    uint8_t byte = b;

    run_one (&byte, 1);
  }

  for (int i = 1; i < argc; i++) {
    gboolean ok;

    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
      ok = run_dir (argv[i], &n_files);
    } else {
      ok = run_file (argv[i]);
      n_files++;
    }
    if (!ok)
      return 1;
  }
  if (argc > 1 && n_files == 0) {
    fprintf (stderr, "fuzz-replay: no corpus files found\n");
    return 1;
  }
  printf ("fuzz-replay: %u inputs (%u files) passed\n", n_runs, n_files);
  return 0;
}
