/* test-ft-writer.c — the receiver's file sink and file hashing
 * (plugins/file-transfer/ft-writer.c, ft-hash.c) in a g_dir_make_tmp
 * directory: verified writes, hash mismatch, 0- and 1-byte files, resume,
 * planted symlinks and existing names, the space check, and hashing a file
 * in a thread. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "plugins/file-transfer/ft-error.h"
#include "plugins/file-transfer/ft-name.h"
#include "plugins/file-transfer/ft-writer.h"
#include "tests/support/ja-test-fs.h"

#define SHA256_ABC "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
#define SHA256_EMPTY "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
#define SHA256_A "ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs="
#define SHA512_ABC "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/" \
  "BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=="
#define SHA3_256_ABC "Ophdp0/iJbIEXBcta9OQvYVfCG4+nVJbRr/iRRFDFTI="

typedef struct {
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("ja-ft-writer-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  ja_test_remove_tree (f->dir);
  g_free (f->dir);
}

static guint
count_entries (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
exists (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  return lstat (path, &st) == 0;
}

static char *
contents_of (const char *dir, const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, len, NULL))
    return NULL;
  return contents;
}

static void
expect_sha256 (JaFtHashList *list, const char *b64)
{
  JaFtHash h;

  memset (list, 0, sizeof *list);
  g_assert_true (ja_ft_hash_set_base64 (&h, JA_FT_HASH_SHA_256, b64, NULL));
  g_assert_true (ja_ft_hash_list_set (list, &h));
}

static void
assert_sha256 (const JaFtHashList *list, const char *b64)
{
  const JaFtHash *h = ja_ft_hash_list_find (list, JA_FT_HASH_SHA_256);
  g_autofree char *got = NULL;

  g_assert_nonnull (h);
  got = ja_ft_hash_to_base64 (h);
  g_assert_cmpstr (got, ==, b64);
}

/* Known answers for every algorithm we compute. */
static void
test_hasher_abc (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaFtHasher) hasher = ja_ft_hasher_new (JA_FT_HASH_ALL, &error);
  JaFtHashList out;
  g_autofree char *b512 = NULL;
  g_autofree char *b3 = NULL;

  g_assert_no_error (error);
  ja_ft_hasher_update (hasher, "a", 1);
  ja_ft_hasher_update (hasher, "bc", 2);
  ja_ft_hasher_finish (hasher, &out);
  g_assert_cmpuint (out.n, ==, 3);
  assert_sha256 (&out, SHA256_ABC);
  b512 = ja_ft_hash_to_base64 (ja_ft_hash_list_find (&out,
          JA_FT_HASH_SHA_512));
  g_assert_cmpstr (b512, ==, SHA512_ABC);
  b3 = ja_ft_hash_to_base64 (ja_ft_hash_list_find (&out,
          JA_FT_HASH_SHA3_256));
  g_assert_cmpstr (b3, ==, SHA3_256_ABC);

  /* finish resets: an empty input next. */
  ja_ft_hasher_finish (hasher, &out);
  assert_sha256 (&out, SHA256_EMPTY);
}

static char *
write_and_finish (Fixture *f, const char *name, const void *data, gsize len,
    const char *expected_b64, JaFtHashList *hashes, GError **error)
{
  g_autoptr (JaFtWriter) w = NULL;
  JaFtHashList expected;
  char *path;

  w = ja_ft_writer_new (f->dir, name, 0, len, error);
  if (w == NULL)
    return NULL;
  if (len > 0 && !ja_ft_writer_write (w, data, len, error))
    return NULL;
  expect_sha256 (&expected, expected_b64);
  path = ja_ft_writer_finish (w, &expected, error);
  if (hashes != NULL && ja_ft_writer_get_hashes (w) != NULL)
    *hashes = *ja_ft_writer_get_hashes (w);
  return path;
}

static void
test_abc (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected_path = g_build_filename (f->dir, "abc.txt", NULL);
  g_autofree char *contents = NULL;
  JaFtHashList hashes;
  struct stat st;
  mode_t mask;

  path = write_and_finish (f, "abc.txt", "abc", 3, SHA256_ABC, &hashes,
      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, expected_path);
  contents = contents_of (f->dir, "abc.txt", NULL);
  g_assert_cmpstr (contents, ==, "abc");
  assert_sha256 (&hashes, SHA256_ABC);
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
  /* Not 0600 any more: 0666 & ~umask, as if created with open(0666). */
  g_assert_cmpint (stat (path, &st), ==, 0);
  mask = umask (022);
  umask (mask);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0666 & ~mask);
}

static void
test_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  JaFtHashList hashes;

  path = write_and_finish (f, "abc.txt", "abd", 3, SHA256_ABC, &hashes,
      &error);
  g_assert_null (path);
  g_assert_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_HASH_MISMATCH);
  /* Neither a final file nor the part is left. */
  g_assert_cmpuint (count_entries (f->dir), ==, 0);
}

static void
test_zero_and_one_byte (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *p0 = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *c1 = NULL;
  gsize len = 99;
  g_autofree char *c0 = NULL;

  p0 = write_and_finish (f, "empty", NULL, 0, SHA256_EMPTY, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p0);
  c0 = contents_of (f->dir, "empty", &len);
  g_assert_cmpuint (len, ==, 0);

  p1 = write_and_finish (f, "one", "a", 1, SHA256_A, NULL, &error);
  g_assert_no_error (error);
  c1 = contents_of (f->dir, "one", &len);
  g_assert_cmpuint (len, ==, 1);
  g_assert_cmpstr (c1, ==, "a");
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
}

static void
test_size_limits (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaFtWriter) w = ja_ft_writer_new (f->dir, "s", 0, 3, &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  g_assert_false (ja_ft_writer_write (w, "abcd", 4, &error));
  g_assert_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_cmpuint (ja_ft_writer_get_offset (w), ==, 0);

  g_assert_true (ja_ft_writer_write (w, "ab", 2, &error));
  path = ja_ft_writer_finish (w, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_INCOMPLETE);
  g_clear_error (&error);
  /* Still open: the last byte completes it. */
  g_assert_true (ja_ft_writer_write (w, "c", 1, &error));
  path = ja_ft_writer_finish (w, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (exists (f->dir, "s"));
}

static void
test_abort (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  JaFtWriter *w = ja_ft_writer_new (f->dir, "x", 0, JA_FT_SIZE_UNKNOWN,
      &error);
  g_autofree char *part = NULL;

  g_assert_no_error (error);
  g_assert_true (ja_ft_writer_write (w, "xyz", 3, &error));
  part = g_strdup (ja_ft_writer_get_part_name (w));
  g_assert_cmpstr (part, ==, "x.part");
  g_assert_true (exists (f->dir, part));
  ja_ft_writer_abort (w, TRUE);
  ja_ft_writer_free (w);
  g_assert_true (exists (f->dir, part));
  g_assert_false (exists (f->dir, "x"));

  /* A new transfer of the same name does not touch the kept part. */
  w = ja_ft_writer_new (f->dir, "x", 0, JA_FT_SIZE_UNKNOWN, &error);
  g_assert_cmpstr (ja_ft_writer_get_part_name (w), ==, "x (1).part");
  ja_ft_writer_free (w);   /* unfinished: its part goes */
  g_assert_false (exists (f->dir, "x (1).part"));
  g_assert_true (exists (f->dir, part));

  w = ja_ft_writer_resume (f->dir, "x", part, 3, 0, JA_FT_SIZE_UNKNOWN,
      &error);
  g_assert_no_error (error);
  ja_ft_writer_abort (w, FALSE);
  ja_ft_writer_free (w);
  g_assert_cmpuint (count_entries (f->dir), ==, 0);
}

static GBytes *
random_bytes (gsize len)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  guint8 *buf = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    buf[i] = g_rand_int (rand);
  return g_bytes_new_take (buf, len);
}

static void
test_resume (Fixture *f, gconstpointer data)
{
  const gsize total = 3 * 1024 * 1024 + 17;
  const gsize cut = 1024 * 1024 + 5;
  g_autoptr (GBytes) bytes = random_bytes (total);
  const guint8 *buf = g_bytes_get_data (bytes, NULL);
  guint algos = JA_FT_HASH_BIT (JA_FT_HASH_SHA_512);
  g_autoptr (GError) error = NULL;
  JaFtHashList straight, resumed, expected;
  g_autofree char *part = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  JaFtWriter *w;

  /* Straight through. */
  w = ja_ft_writer_new (f->dir, "big.bin", algos, total, &error);
  g_assert_no_error (error);
  for (gsize off = 0; off < total; off += 65536)
    g_assert_true (ja_ft_writer_write (w, buf + off, MIN (65536, total - off),
            &error));
  p1 = ja_ft_writer_finish (w, NULL, &error);
  g_assert_no_error (error);
  straight = *ja_ft_writer_get_hashes (w);
  g_assert_cmpuint (straight.n, ==, 2);
  ja_ft_writer_free (w);

  /* Interrupted after cut + 1000 bytes (kept), resumed at cut: the extra
   * bytes are cut off and hashed anew. */
  w = ja_ft_writer_new (f->dir, "big.bin", algos, total, &error);
  g_assert_true (ja_ft_writer_write (w, buf, cut + 1000, &error));
  part = g_strdup (ja_ft_writer_get_part_name (w));
  ja_ft_writer_abort (w, TRUE);
  ja_ft_writer_free (w);

  w = ja_ft_writer_resume (f->dir, "big.bin", part, cut, algos, total,
      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ja_ft_writer_get_offset (w), ==, cut);
  g_assert_true (ja_ft_writer_write (w, buf + cut, total - cut, &error));
  expected = straight;
  p2 = ja_ft_writer_finish (w, &expected, &error);
  g_assert_no_error (error);
  resumed = *ja_ft_writer_get_hashes (w);
  ja_ft_writer_free (w);

  for (guint i = 0; i < straight.n; i++)
    g_assert_true (ja_ft_hash_equal (&straight.items[i], &resumed.items[i]));
  g_assert_true (g_str_has_suffix (p2, "big (1).bin"));
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
}

static void
test_resume_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *target = g_build_filename (f->dir, "target", NULL);
  g_autofree char *link_part = g_build_filename (f->dir, "l.part", NULL);
  g_autofree char *hard = g_build_filename (f->dir, "h.part", NULL);
  g_autofree char *still = NULL;
  g_autoptr (JaFtWriter) w1 = NULL;
  g_autoptr (JaFtWriter) w2 = NULL;
  g_autoptr (JaFtWriter) w3 = NULL;
  g_autoptr (JaFtWriter) w4 = NULL;

  g_assert_true (g_file_set_contents (target, "precious", -1, NULL));
  /* A symlink planted at the part. */
  g_assert_cmpint (symlink (target, link_part), ==, 0);
  w1 = ja_ft_writer_resume (f->dir, "l", "l.part", 2, 0, JA_FT_SIZE_UNKNOWN,
      &error);
  g_assert_null (w1);
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* A hard link to another file. */
  g_assert_cmpint (link (target, hard), ==, 0);
  w2 = ja_ft_writer_resume (f->dir, "h", "h.part", 2, 0, JA_FT_SIZE_UNKNOWN,
      &error);
  g_assert_null (w2);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  /* Path tricks, and an offset past the part's end. */
  w3 = ja_ft_writer_resume (f->dir, "t", "../target", 0, 0,
      JA_FT_SIZE_UNKNOWN, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (unlink (hard), ==, 0);
  w4 = ja_ft_writer_resume (f->dir, "t", "target", 100, 0,
      JA_FT_SIZE_UNKNOWN, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  still = contents_of (f->dir, "target", NULL);
  g_assert_cmpstr (still, ==, "precious");
  g_assert_true (g_file_test (link_part, G_FILE_TEST_IS_SYMLINK));
}

/* Symlinks planted at the final name and at NAME.part, and an existing
 * file: none is followed or overwritten. */
static void
test_planted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *outside_dir = g_dir_make_tmp ("ja-ft-outside-XXXXXX",
      &error);
  g_autofree char *victim = g_build_filename (outside_dir, "victim", NULL);
  g_autofree char *final_link = g_build_filename (f->dir, "doc.txt", NULL);
  g_autofree char *part_link = g_build_filename (f->dir, "doc.txt.part",
      NULL);
  g_autofree char *path = NULL;
  g_autofree char *path2 = NULL;
  g_autofree char *still = NULL;
  g_autofree char *got = NULL;
  g_autofree char *old = NULL;
  g_autofree char *sanitized = NULL;
  g_autofree char *path3 = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (victim, "precious", -1, NULL));
  g_assert_cmpint (symlink (victim, final_link), ==, 0);
  g_assert_cmpint (symlink (victim, part_link), ==, 0);

  path = write_and_finish (f, "doc.txt", "abc", 3, SHA256_ABC, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path, "/doc (1).txt"));
  still = contents_of (outside_dir, "victim", NULL);
  g_assert_cmpstr (still, ==, "precious");
  g_assert_true (g_file_test (final_link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (part_link, G_FILE_TEST_IS_SYMLINK));
  got = contents_of (f->dir, "doc (1).txt", NULL);
  g_assert_cmpstr (got, ==, "abc");

  /* An existing regular file keeps its contents. */
  path2 = write_and_finish (f, "doc (1).txt", "a", 1, SHA256_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path2, "/doc (1) (1).txt"));
  old = contents_of (f->dir, "doc (1).txt", NULL);
  g_assert_cmpstr (old, ==, "abc");

  /* A hostile name, sanitised, lands inside the directory. */
  sanitized = ja_ft_name_sanitize ("../../etc/x");
  path3 = write_and_finish (f, sanitized, "a", 1, SHA256_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path3, f->dir));
  g_assert_true (exists (f->dir, "etc_x"));

  ja_test_remove_tree (outside_dir);
}

static void
test_check_space (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_ft_check_space (f->dir, 1024, 0, 0, &error));
  g_assert_no_error (error);
  g_assert_false (ja_ft_check_space (f->dir, 2048, 1024, 0, &error));
  g_assert_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (ja_ft_check_space (f->dir, G_MAXINT64, 0, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);
  g_assert_false (ja_ft_check_space (f->dir, 1, 0, G_MAXUINT64, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
}

typedef struct {
  gboolean done;
  guint n_progress;
  guint64 last_done;
  gboolean progress_after_done;
  JaFtHashList hashes;
  guint64 size;
  GError *error;
} HashWait;

static void
progress_cb (guint64 done, guint64 total, gpointer user_data)
{
  HashWait *wait = user_data;

  if (wait->done)
    wait->progress_after_done = TRUE;
  g_assert_cmpuint (done, <=, total);
  g_assert_cmpuint (done, >=, wait->last_done);
  wait->last_done = done;
  wait->n_progress++;
}

static void
hash_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HashWait *wait = user_data;

  ja_ft_hash_file_finish (result, &wait->hashes, &wait->size, &wait->error);
  wait->done = TRUE;
}

static void
run_hash (const char *path, guint algos, GCancellable *cancellable,
    HashWait *wait)
{
  ja_ft_hash_file_async (path, algos, cancellable, progress_cb, wait,
      hash_done_cb, wait);
  g_assert_false (wait->done);    /* never completes synchronously */
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
  /* Let queued progress calls run: none may arrive now. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (wait->progress_after_done);
}

static void
test_hash_file (Fixture *f, gconstpointer data)
{
  const gsize total = 5 * 1024 * 1024 / 2;
  g_autoptr (GBytes) bytes = random_bytes (total);
  g_autofree char *big = g_build_filename (f->dir, "big", NULL);
  g_autofree char *abc = g_build_filename (f->dir, "abc", NULL);
  g_autoptr (JaFtHasher) hasher = ja_ft_hasher_new (JA_FT_HASH_ALL, NULL);
  HashWait w1 = { 0 }, w2 = { 0 }, w3 = { 0 }, w4 = { 0 };
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  JaFtHashList direct;

  g_assert_true (g_file_set_contents (abc, "abc", 3, NULL));
  run_hash (abc, JA_FT_HASH_BIT (JA_FT_HASH_SHA_256), NULL, &w1);
  g_assert_no_error (w1.error);
  g_assert_cmpuint (w1.size, ==, 3);
  g_assert_cmpuint (w1.hashes.n, ==, 1);
  assert_sha256 (&w1.hashes, SHA256_ABC);

  g_assert_true (g_file_set_contents (big, g_bytes_get_data (bytes, NULL),
          total, NULL));
  run_hash (big, JA_FT_HASH_ALL, NULL, &w2);
  g_assert_no_error (w2.error);
  g_assert_cmpuint (w2.size, ==, total);
  g_assert_cmpuint (w2.n_progress, >=, 1);
  ja_ft_hasher_update (hasher, g_bytes_get_data (bytes, NULL), total);
  ja_ft_hasher_finish (hasher, &direct);
  g_assert_cmpuint (direct.n, ==, w2.hashes.n);
  for (guint i = 0; i < direct.n; i++)
    g_assert_true (ja_ft_hash_equal (&direct.items[i], &w2.hashes.items[i]));

  run_hash ("/nonexistent/ja-ft", JA_FT_HASH_ALL, NULL, &w3);
  g_assert_error (w3.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&w3.error);

  g_cancellable_cancel (cancellable);
  run_hash (big, JA_FT_HASH_ALL, cancellable, &w4);
  g_assert_error (w4.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w4.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ft/hash/abc", test_hasher_abc);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, \
    fixture_tear_down)
  ADD ("/ft/writer/abc", test_abc);
  ADD ("/ft/writer/mismatch", test_mismatch);
  ADD ("/ft/writer/zero-and-one-byte", test_zero_and_one_byte);
  ADD ("/ft/writer/size-limits", test_size_limits);
  ADD ("/ft/writer/abort", test_abort);
  ADD ("/ft/writer/resume", test_resume);
  ADD ("/ft/writer/resume-refused", test_resume_refused);
  ADD ("/ft/writer/planted", test_planted);
  ADD ("/ft/writer/check-space", test_check_space);
  ADD ("/ft/hash/file", test_hash_file);
#undef ADD
  return g_test_run ();
}
