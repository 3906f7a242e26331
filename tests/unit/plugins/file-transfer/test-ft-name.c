/* test-ft-name.c — received-name sanitising and free-name creation
 * (plugins/file-transfer/ft-name.c): hostile names from XEP-0234
 * §Security Considerations and beyond, and planted files and symlinks in
 * a g_dir_make_tmp directory, which must never be followed or replaced. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "plugins/file-transfer/ft-name.h"
#include "tests/support/ja-test-fs.h"

typedef struct {
  char *dir;
  int dir_fd;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("ja-ft-name-XXXXXX", &error);
  g_assert_no_error (error);
  f->dir_fd = ja_ft_dir_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->dir_fd, >=, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  close (f->dir_fd);
  ja_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* What every sanitised name must satisfy, whatever went in. */
static void
assert_safe (const char *out)
{
  g_assert_nonnull (out);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_cmpuint (strlen (out), >, 0);
  g_assert_cmpuint (strlen (out), <=, JA_FT_NAME_MAX);
  g_assert_null (strchr (out, '/'));
  g_assert_null (strchr (out, '\\'));
  g_assert_cmpint (out[0], !=, '.');
  g_assert_cmpstr (out, !=, "..");
  for (const char *p = out; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    g_assert_false (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f));
    g_assert_false (c >= 0x202a && c <= 0x202e);
    g_assert_false (c >= 0x2066 && c <= 0x2069);
  }
}

static void
test_sanitize (void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "test.txt", "test.txt" },
    { "../../etc/x", "etc_x" },
    { "/etc/passwd", "etc_passwd" },
    { "/abs", "abs" },
    { "../../private.txt", "private.txt" },
    { "..\\..\\windows\\system.ini", "windows_system.ini" },
    { "a/./b/../c", "a_b_c" },
    { ".hidden", "hidden" },
    { "..hidden", "hidden" },
    { ". . .x", "x" },
    { "  spaced  ", "spaced" },
    { ".", "file" },
    { "..", "file" },
    { "...", "file" },
    { "/", "file" },
    { "//..//.//", "file" },
    { "", "file" },
    { "a\nb\rc\td", "a_b_c_d" },
    { "bell\x07", "bell_" },
    { "del\x7f", "del_" },
    { "c1\xc2\x85" "x", "c1_x" },                     /* U+0085 NEL */
    { "evil\xe2\x80\xaetxt.exe", "eviltxt.exe" },     /* U+202E RLO */
    { "\xe2\x81\xa6" "x\xe2\x81\xa9.pdf", "x.pdf" },  /* U+2066 … U+2069 */
    { "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad" "a", "a" },
    { "\xe2\x80\x8fr.txt", "r.txt" },                 /* U+200F RLM */
    { "\xe2\x80\xae/..", "file" },
    { "\xff\xfe" "abc", "\xef\xbf\xbd\xef\xbf\xbd" "abc" },
    { "caf\xc3\xa9.txt", "caf\xc3\xa9.txt" },
    { "\xe6\x97\xa5\xe6\x9c\xac.txt", "\xe6\x97\xa5\xe6\x9c\xac.txt" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *out = ja_ft_name_sanitize (cases[i].in);

    g_test_message ("case %u", i);
    g_assert_cmpstr (out, ==, cases[i].out);
    assert_safe (out);
  }
  {
    g_autofree char *out = ja_ft_name_sanitize (NULL);

    g_assert_cmpstr (out, ==, "file");
  }
}

static void
test_sanitize_long (void)
{
  g_autoptr (GString) in = g_string_new (NULL);
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;

  for (guint i = 0; i < 300; i++)
    g_string_append_c (in, 'a');
  g_string_append (in, ".txt");
  out = ja_ft_name_sanitize (in->str);
  assert_safe (out);
  g_assert_cmpuint (strlen (out), ==, JA_FT_NAME_MAX);
  g_assert_true (g_str_has_suffix (out, ".txt"));

  /* Two-byte characters: the cut never splits one. */
  g_string_assign (in, "");
  for (guint i = 0; i < 200; i++)
    g_string_append (in, "\xc3\xa9");
  g_string_append (in, ".pdf");
  out2 = ja_ft_name_sanitize (in->str);
  assert_safe (out2);
  g_assert_true (g_str_has_suffix (out2, ".pdf"));
  g_assert_cmpuint (strlen (out2), >=, JA_FT_NAME_MAX - 1);

  /* An "extension" too long to keep: just cut. */
  g_string_assign (in, "x.");
  for (guint i = 0; i < 300; i++)
    g_string_append (in, "\xe6\x97\xa5");
  out3 = ja_ft_name_sanitize (in->str);
  assert_safe (out3);
  g_assert_true (g_str_has_prefix (out3, "x."));
}

/* Arbitrary bytes: always a safe name, never a warning. */
static void
test_sanitize_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (234);
  static const char alphabet[] = "./\\\x01\x7f\xc2\x85\xe2\x80\xae\xff a.";

  for (guint round = 0; round < 2000; round++) {
    char buf[64];
    guint len = g_rand_int_range (rand, 0, sizeof buf - 1);
    g_autofree char *out = NULL;

    for (guint i = 0; i < len; i++) {
      buf[i] = g_rand_boolean (rand)
          ? alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]
          : (char) g_rand_int_range (rand, 1, 256);
    }
    buf[len] = '\0';
    out = ja_ft_name_sanitize (buf);
    assert_safe (out);
  }
}

static void
test_numbered (void)
{
  g_autoptr (GString) in = g_string_new (NULL);
  g_autofree char *a = ja_ft_name_numbered ("a.txt", 0, NULL);
  g_autofree char *b = ja_ft_name_numbered ("a.txt", 1, NULL);
  g_autofree char *c = ja_ft_name_numbered ("a", 2, ".part");
  g_autofree char *d = ja_ft_name_numbered ("a.txt", 12, ".part");
  g_autofree char *long_name = NULL;
  g_autofree char *e = NULL;

  g_assert_cmpstr (a, ==, "a.txt");
  g_assert_cmpstr (b, ==, "a (1).txt");
  g_assert_cmpstr (c, ==, "a (2).part");
  g_assert_cmpstr (d, ==, "a (12).txt.part");

  for (guint i = 0; i < 400; i++)
    g_string_append (in, "\xc3\xa9");
  g_string_append (in, ".txt");
  long_name = ja_ft_name_sanitize (in->str);
  e = ja_ft_name_numbered (long_name, 999, ".part");
  assert_safe (e);
  g_assert_true (g_str_has_suffix (e, " (999).txt.part"));
}

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_create_unique (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *chosen = NULL;
  g_autofree char *chosen2 = NULL;
  g_autofree char *target = g_build_filename (f->dir, "target", NULL);
  g_autofree char *link_path = g_build_filename (f->dir, "x.txt.part", NULL);
  g_autofree char *still = NULL;
  int fd;

  write_file (f->dir, "target", "precious");
  g_assert_cmpint (symlink (target, link_path), ==, 0);

  /* The symlink at x.txt.part is neither followed nor replaced. */
  fd = ja_ft_name_create_unique (f->dir_fd, "x.txt", ".part", 0600, &chosen,
      &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpstr (chosen, ==, "x (1).txt.part");
  g_assert_cmpint (write (fd, "new", 3), ==, 3);
  close (fd);
  still = read_file (f->dir, "target");
  g_assert_cmpstr (still, ==, "precious");
  g_assert_true (g_file_test (link_path, G_FILE_TEST_IS_SYMLINK));

  /* The next one skips both. */
  fd = ja_ft_name_create_unique (f->dir_fd, "x.txt", ".part", 0600, &chosen2,
      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chosen2, ==, "x (2).txt.part");
  close (fd);
}

static void
test_rename_unique (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *chosen = NULL;
  g_autofree char *chosen2 = NULL;
  g_autofree char *outside = g_build_filename (f->dir, "outside", NULL);
  g_autofree char *link_path = g_build_filename (f->dir, "b.txt", NULL);
  g_autofree char *old = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *still = NULL;
  char buf[64];
  ssize_t n;

  write_file (f->dir, "a.txt", "old");
  write_file (f->dir, "src1", "one");
  g_assert_true (ja_ft_name_rename_unique (f->dir_fd, "src1", "a.txt",
          &chosen, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (chosen, ==, "a (1).txt");
  old = read_file (f->dir, "a.txt");
  g_assert_cmpstr (old, ==, "old");
  moved = read_file (f->dir, "a (1).txt");
  g_assert_cmpstr (moved, ==, "one");

  /* A symlink (even a dangling one) at the final name stays as it is. */
  g_assert_cmpint (symlink (outside, link_path), ==, 0);
  write_file (f->dir, "src2", "two");
  g_assert_true (ja_ft_name_rename_unique (f->dir_fd, "src2", "b.txt",
          &chosen2, &error));
  g_assert_cmpstr (chosen2, ==, "b (1).txt");
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
  n = readlink (link_path, buf, sizeof buf - 1);
  g_assert_cmpint (n, >, 0);
  buf[n] = '\0';
  g_assert_cmpstr (buf, ==, outside);
  still = read_file (f->dir, "b (1).txt");
  g_assert_cmpstr (still, ==, "two");
}

static void
test_dir_open_symlink (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sub = g_build_filename (f->dir, "sub", NULL);
  g_autofree char *link_path = g_build_filename (f->dir, "link", NULL);
  int fd;

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_cmpint (symlink (sub, link_path), ==, 0);
  fd = ja_ft_dir_open (link_path, &error);
  g_assert_cmpint (fd, ==, -1);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ft/name/sanitize", test_sanitize);
  g_test_add_func ("/ft/name/sanitize-long", test_sanitize_long);
  g_test_add_func ("/ft/name/sanitize-random", test_sanitize_random);
  g_test_add_func ("/ft/name/numbered", test_numbered);
  g_test_add ("/ft/name/create-unique", Fixture, NULL, fixture_set_up,
      test_create_unique, fixture_tear_down);
  g_test_add ("/ft/name/rename-unique", Fixture, NULL, fixture_set_up,
      test_rename_unique, fixture_tear_down);
  g_test_add ("/ft/name/dir-open-symlink", Fixture, NULL, fixture_set_up,
      test_dir_open_symlink, fixture_tear_down);
  return g_test_run ();
}
