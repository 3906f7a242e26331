/* ft-name.c — sanitising received file names and picking free names in a
 * directory (see ft-name.h). XEP-0234 §Security Considerations: a <name/>
 * must never steer a file system operation outside the download directory,
 * hide itself (leading dot), or disguise its extension (bidi overrides). */

#define _GNU_SOURCE

#include "plugins/file-transfer/ft-name.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

/* Longest ending, dot included, that counts as an extension worth keeping
 * when a name is cut. */
#define MAX_EXT_BYTES 32

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
}

/* Unicode bidi controls: embeddings and overrides (U+202A–U+202E), isolates
 * (U+2066–U+2069) and the marks (LRM, RLM, ALM) — "evil\u202Etxt.exe". */
static gboolean
is_bidi_control (gunichar c)
{
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
      || c == 0x200e || c == 0x200f || c == 0x061c;
}

static void
end_component (GString *out, GString *comp)
{
  if (comp->len > 0 && strcmp (comp->str, ".") != 0
      && strcmp (comp->str, "..") != 0) {
    if (out->len > 0)
      g_string_append_c (out, '_');
    g_string_append_len (out, comp->str, comp->len);
  }
  g_string_truncate (comp, 0);
}

/* Length of the longest prefix of s (of len bytes) that is at most max
 * bytes and ends on a character boundary. s is valid UTF-8. */
static gsize
utf8_cut (const char *s, gsize len, gsize max)
{
  if (len <= max)
    return len;
  while (max > 0 && ((guchar) s[max] & 0xc0) == 0x80)
    max--;
  return max;
}

/* Where the extension of a (sanitised) name starts, or its length when it
 * has none worth keeping. */
static gsize
find_ext (const char *name, gsize len)
{
  const char *dot = strrchr (name, '.');

  if (dot == NULL || dot == name || len - (dot - name) > MAX_EXT_BYTES
      || dot[1] == '\0')
    return len;
  return dot - name;
}

/* stem + tail, the stem cut so that the whole is at most JA_FT_NAME_MAX. */
static char *
fit (const char *stem, gsize stem_len, const char *tail)
{
  gsize tail_len = strlen (tail);
  GString *out;

  g_return_val_if_fail (tail_len < JA_FT_NAME_MAX, NULL);

  stem_len = utf8_cut (stem, stem_len, JA_FT_NAME_MAX - tail_len);
  out = g_string_new_len (stem, stem_len);
  g_string_append (out, tail);
  return g_string_free (out, FALSE);
}

char *
ja_ft_name_sanitize (const char *name)
{
  g_autofree char *valid = NULL;
  g_autoptr (GString) out = NULL;
  g_autoptr (GString) comp = NULL;
  const char *p;
  gsize start = 0, end, ext;

  if (name == NULL)
    return g_strdup ("file");

  valid = g_utf8_make_valid (name, -1);
  out = g_string_new (NULL);
  comp = g_string_new (NULL);
  for (p = valid; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (c == '/' || c == '\\')
      end_component (out, comp);
    else if (is_control (c))
      g_string_append_c (comp, '_');
    else if (!is_bidi_control (c))
      g_string_append_unichar (comp, c);
  }
  end_component (out, comp);

  /* No hidden files: drop leading dots (and the spaces between them). */
  while (start < out->len
      && (out->str[start] == '.' || g_ascii_isspace (out->str[start])))
    start++;
  end = out->len;
  while (end > start && g_ascii_isspace (out->str[end - 1]))
    end--;
  if (start == end)
    return g_strdup ("file");

  g_string_truncate (out, end);
  g_string_erase (out, 0, start);
  if (out->len <= JA_FT_NAME_MAX)
    return g_string_free (g_steal_pointer (&out), FALSE);
  ext = find_ext (out->str, out->len);
  return fit (out->str, ext, out->str + ext);
}

char *
ja_ft_name_numbered (const char *name, guint n, const char *suffix)
{
  g_autofree char *tail = NULL;
  gsize len, ext;

  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  if (suffix == NULL)
    suffix = "";
  len = strlen (name);
  ext = find_ext (name, len);
  if (n == 0)
    tail = g_strconcat (name + ext, suffix, NULL);
  else
    tail = g_strdup_printf (" (%u)%s%s", n, name + ext, suffix);
  return fit (name, ext, tail);
}

static void
set_errno_error (GError **error, int errsv, const char *what,
    const char *name)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
      "%s %s: %s", what, name, g_strerror (errsv));
}

int
ja_ft_dir_open (const char *path, GError **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    set_errno_error (error, errno, "cannot open directory", path);
  return fd;
}

int
ja_ft_name_create_unique (int dir_fd, const char *name, const char *suffix,
    mode_t mode, char **chosen, GError **error)
{
  g_return_val_if_fail (dir_fd >= 0 && name != NULL && chosen != NULL, -1);

  for (guint n = 0; n < JA_FT_NAME_MAX_TRIES; n++) {
    g_autofree char *candidate = ja_ft_name_numbered (name, n, suffix);
    int fd;

    fd = openat (dir_fd, candidate,
        O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) {
      *chosen = g_steal_pointer (&candidate);
      return fd;
    }
    if (errno != EEXIST) {
      set_errno_error (error, errno, "cannot create", candidate);
      return -1;
    }
  }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
      "no free name for %s", name);
  return -1;
}

/* rename without replacing: 0, or -1 with errno (EEXIST when taken). */
static int
rename_noreplace (int dir_fd, const char *from, const char *to)
{
  if (renameat2 (dir_fd, from, dir_fd, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return -1;
  /* The file system lacks RENAME_NOREPLACE: a hard link also refuses to
   * replace anything (and does not follow a symlink at from). */
  if (linkat (dir_fd, from, dir_fd, to, 0) < 0)
    return -1;
  if (unlinkat (dir_fd, from, 0) < 0)
    g_debug ("ft: cannot remove %s after linking it: %s", from,
        g_strerror (errno));
  return 0;
}

gboolean
ja_ft_name_rename_unique (int dir_fd, const char *from, const char *name,
    char **chosen, GError **error)
{
  g_return_val_if_fail (dir_fd >= 0 && from != NULL && name != NULL, FALSE);
  g_return_val_if_fail (chosen != NULL, FALSE);

  for (guint n = 0; n < JA_FT_NAME_MAX_TRIES; n++) {
    g_autofree char *candidate = ja_ft_name_numbered (name, n, NULL);

    if (rename_noreplace (dir_fd, from, candidate) == 0) {
      *chosen = g_steal_pointer (&candidate);
      return TRUE;
    }
    if (errno != EEXIST) {
      set_errno_error (error, errno, "cannot rename to", candidate);
      return FALSE;
    }
  }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
      "no free name for %s", name);
  return FALSE;
}
