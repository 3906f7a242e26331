/* ft-sidecar.c — the offer identity kept next to a resumable part
 * (ft-sidecar.h). */
#include "plugins/file-transfer/ft-sidecar.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "plugins/file-transfer/ft-name.h"

#define SIDECAR_GROUP "offer"
#define SIDECAR_MAX_BYTES 4096

static char *
sidecar_name (const char *part)
{
  return g_strdup_printf (".%s.offer", part);
}

static char *
sidecar_build (const JaFtFile *file)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();

  g_key_file_set_uint64 (kf, SIDECAR_GROUP, "size", file->size);
  if (file->date != NULL)
    g_key_file_set_string (kf, SIDECAR_GROUP, "date", file->date);
  for (guint i = 0; i < file->hashes.n; i++) {
    const JaFtHash *h = &file->hashes.items[i];
    g_autofree char *b64 = NULL;

    if (h->len == 0)
      continue;
    b64 = ja_ft_hash_to_base64 (h);
    g_key_file_set_string (kf, SIDECAR_GROUP,
        ja_ft_hash_algo_to_string (h->algo), b64);
  }
  return g_key_file_to_data (kf, NULL, NULL);
}

/* Writes the sidecar of part (replacing a stale one, never following a
 * link). FALSE: the part is not resumable. */
gboolean
ja_ft_sidecar_write (int dir_fd, const char *part, const JaFtFile *file)
{
  g_autofree char *name = sidecar_name (part);
  g_autofree char *data = sidecar_build (file);
  gsize len = strlen (data), done = 0;
  int fd;

  if (unlinkat (dir_fd, name, 0) < 0 && errno != ENOENT)
    return FALSE;
  fd = openat (dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
      | O_CLOEXEC, 0600);
  if (fd < 0)
    return FALSE;
  while (done < len) {
    ssize_t n = write (fd, data + done, len - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      close (fd);
      unlinkat (dir_fd, name, 0);
      return FALSE;
    }
    done += (gsize) n;
  }
  close (fd);
  return TRUE;
}

void
ja_ft_sidecar_remove (const char *dir, const char *part)
{
  g_autofree char *name = sidecar_name (part);
  int dir_fd = ja_ft_dir_open (dir, NULL);

  if (dir_fd < 0)
    return;
  unlinkat (dir_fd, name, 0);
  close (dir_fd);
}

/* A regular file of ours with one link, not followed. */
gboolean
ja_ft_sidecar_stat_part (int dir_fd, const char *name, struct stat *st)
{
  return fstatat (dir_fd, name, st, AT_SYMLINK_NOFOLLOW) == 0
      && S_ISREG (st->st_mode) && st->st_nlink == 1
      && st->st_uid == geteuid ();
}

/* The sidecar of part read back, NULL when absent or not ours. */
GKeyFile *
ja_ft_sidecar_read (int dir_fd, const char *part)
{
  g_autofree char *name = sidecar_name (part);
  g_autofree char *data = NULL;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  struct stat st;
  gssize n;
  int fd;

  fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_nlink != 1
      || st.st_uid != geteuid () || st.st_size > SIDECAR_MAX_BYTES) {
    close (fd);
    return NULL;
  }
  data = g_malloc (SIDECAR_MAX_BYTES + 1);
  do
    n = read (fd, data, SIDECAR_MAX_BYTES);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n < 0)
    return NULL;
  data[n] = '\0';
  if (!g_key_file_load_from_data (kf, data, (gsize) n, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_steal_pointer (&kf);
}

/* The offer is the one the sidecar describes: same size; every hash
 * value it gives whose algorithm the sidecar has is equal, and at least
 * one is when it gives any; the same date when both have one. */
gboolean
ja_ft_sidecar_matches (GKeyFile *kf, const JaFtFile *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *date = NULL;
  guint64 size = g_key_file_get_uint64 (kf, SIDECAR_GROUP, "size", &error);
  gboolean any_hash = FALSE, same_hash = FALSE;

  if (error != NULL || !file->has_size || size != file->size)
    return FALSE;
  for (guint i = 0; i < file->hashes.n; i++) {
    const JaFtHash *h = &file->hashes.items[i];
    g_autofree char *b64 = NULL;
    g_autofree char *ours = NULL;

    if (h->len == 0)
      continue;
    any_hash = TRUE;
    ours = g_key_file_get_string (kf, SIDECAR_GROUP,
        ja_ft_hash_algo_to_string (h->algo), NULL);
    if (ours == NULL)
      continue;
    b64 = ja_ft_hash_to_base64 (h);
    if (!g_str_equal (ours, b64))
      return FALSE;
    same_hash = TRUE;
  }
  if (any_hash && !same_hash)
    return FALSE;
  date = g_key_file_get_string (kf, SIDECAR_GROUP, "date", NULL);
  if (date != NULL && file->date != NULL && !g_str_equal (date, file->date))
    return FALSE;
  return TRUE;
}

