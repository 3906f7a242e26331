/* ft-writer.c — the File Receiver's sink (see ft-writer.h): NAME.part
 * written and hashed in step, resumable, verified and renamed into place
 * without replacing anything. Every path is relative to one directory fd
 * opened with O_NOFOLLOW, and the part is re-checked by inode before it is
 * renamed or removed, so a file swapped in by someone else is left alone. */

#define _GNU_SOURCE
#include "plugins/file-transfer/ft-writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <gio/gio.h>

#include "plugins/file-transfer/ft-error.h"
#include "plugins/file-transfer/ft-name.h"

#define BLOCK_SIZE (1024 * 1024)
/* How much written data may wait before its writeback is started. */
#define WRITEBACK_STEP (8 * 1024 * 1024)

typedef enum {
  STATE_OPEN,
  STATE_DONE,        /* renamed into place */
  STATE_ENDED,       /* failed or aborted */
} WriterState;

struct _JaFtWriter {
  char *dir;
  char *name;         /* sanitised final name wanted */
  char *part_name;
  int dir_fd;
  int fd;
  dev_t dev;          /* identity of the part, checked before rename/unlink */
  ino_t ino;
  JaFtHasher *hasher;
  guint64 offset;
  guint64 synced;     /* writeback started up to here */
  guint64 size;
  gboolean hashed;
  JaFtHashList hashes;
  WriterState state;
};

static gboolean
set_io_error (GError **error, int errsv, const char *what, const char *name)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
      "%s %s: %s", what, name, g_strerror (errsv));
  return FALSE;
}

static JaFtWriter *
writer_alloc (const char *dir, const char *name, guint algos, guint64 size,
    GError **error)
{
  g_autoptr (JaFtWriter) w = g_new0 (JaFtWriter, 1);

  w->fd = -1;
  w->state = STATE_OPEN;
  w->dir = g_strdup (dir);
  w->name = g_strdup (name);
  w->size = size;
  w->dir_fd = ja_ft_dir_open (dir, error);
  if (w->dir_fd < 0)
    return NULL;
  w->hasher = ja_ft_hasher_new (algos | JA_FT_HASH_BIT (JA_FT_HASH_SHA_256),
      error);
  if (w->hasher == NULL)
    return NULL;
  return g_steal_pointer (&w);
}

static gboolean
remember_identity (JaFtWriter *w, GError **error)
{
  struct stat st;

  if (fstat (w->fd, &st) < 0)
    return set_io_error (error, errno, "cannot stat", w->part_name);
  w->dev = st.st_dev;
  w->ino = st.st_ino;
  return TRUE;
}

/* TRUE when dir/part_name is still the file we hold open. */
static gboolean
part_is_ours (JaFtWriter *w)
{
  struct stat st;

  return fstatat (w->dir_fd, w->part_name, &st, AT_SYMLINK_NOFOLLOW) == 0
      && st.st_dev == w->dev && st.st_ino == w->ino;
}

JaFtWriter *
ja_ft_writer_new (const char *dir, const char *name, guint algos,
    guint64 size, GError **error)
{
  g_autoptr (JaFtWriter) w = NULL;

  g_return_val_if_fail (dir != NULL && name != NULL && name[0] != '\0', NULL);
  g_return_val_if_fail (strchr (name, '/') == NULL, NULL);

  w = writer_alloc (dir, name, algos, size, error);
  if (w == NULL)
    return NULL;
  w->fd = ja_ft_name_create_unique (w->dir_fd, name, JA_FT_PART_SUFFIX, 0600,
      &w->part_name, error);
  if (w->fd < 0)
    return NULL;
  if (!remember_identity (w, error))
    return NULL;
  g_debug ("ft: writing %s/%s", dir, w->part_name);
  return g_steal_pointer (&w);
}

/* Hashes the first w->offset bytes of the part again. */
static gboolean
rehash_prefix (JaFtWriter *w, GError **error)
{
  g_autofree guint8 *buf = g_malloc (BLOCK_SIZE);
  guint64 pos = 0;

  while (pos < w->offset) {
    ssize_t n = pread (w->fd, buf, MIN (BLOCK_SIZE, w->offset - pos), pos);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return set_io_error (error, errno, "cannot read", w->part_name);
    if (n == 0) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "%s shrank while being read", w->part_name);
      return FALSE;
    }
    ja_ft_hasher_update (w->hasher, buf, n);
    pos += n;
  }
  return TRUE;
}

static gboolean
open_part_for_resume (JaFtWriter *w, GError **error)
{
  struct stat st;

  w->fd = openat (w->dir_fd, w->part_name, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (w->fd < 0)
    return set_io_error (error, errno, "cannot open", w->part_name);
  if (fstat (w->fd, &st) < 0)
    return set_io_error (error, errno, "cannot stat", w->part_name);
  /* A hard link to someone else's file, or a device, is not a part. */
  if (!S_ISREG (st.st_mode) || st.st_nlink != 1 || st.st_uid != geteuid ()) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "%s is not a partial download of ours", w->part_name);
    return FALSE;
  }
  if ((guint64) st.st_size < w->offset) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "%s has %" G_GUINT64_FORMAT " bytes, fewer than the offset %"
        G_GUINT64_FORMAT, w->part_name, (guint64) st.st_size, w->offset);
    return FALSE;
  }
  w->dev = st.st_dev;
  w->ino = st.st_ino;
  return TRUE;
}

JaFtWriter *
ja_ft_writer_resume (const char *dir, const char *name,
    const char *part_name, guint64 offset, guint algos, guint64 size,
    GError **error)
{
  g_autoptr (JaFtWriter) w = NULL;

  g_return_val_if_fail (dir != NULL && name != NULL && name[0] != '\0', NULL);
  g_return_val_if_fail (part_name != NULL, NULL);

  if (strchr (part_name, '/') != NULL || strcmp (part_name, ".") == 0
      || strcmp (part_name, "..") == 0 || part_name[0] == '\0'
      || offset > (guint64) G_MAXINT64 || (size != JA_FT_SIZE_UNKNOWN
          && offset > size)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "cannot resume %s at %" G_GUINT64_FORMAT, part_name, offset);
    return NULL;
  }
  w = writer_alloc (dir, name, algos, size, error);
  if (w == NULL)
    return NULL;
  w->part_name = g_strdup (part_name);
  w->offset = offset;
  if (!open_part_for_resume (w, error))
    goto fail;
  if (fchmod (w->fd, 0600) < 0 || ftruncate (w->fd, offset) < 0) {
    set_io_error (error, errno, "cannot prepare", part_name);
    goto fail;
  }
  if (!rehash_prefix (w, error))
    goto fail;
  if (lseek (w->fd, offset, SEEK_SET) < 0) {
    set_io_error (error, errno, "cannot seek in", part_name);
    goto fail;
  }
  g_debug ("ft: resuming %s/%s at %" G_GUINT64_FORMAT, dir, part_name,
      offset);
  return g_steal_pointer (&w);

fail:
  /* Not our file, or unusable: leave it where it is. */
  w->state = STATE_ENDED;
  return NULL;
}

/* Starts the writeback of what the part holds beyond w->synced, in
 * WRITEBACK_STEP pieces, so that the fdatasync of finish has little left
 * to wait for (Linux; elsewhere finish does it all). */
static void
start_writeback (JaFtWriter *w)
{
#ifdef SYNC_FILE_RANGE_WRITE
  if (w->offset - w->synced < WRITEBACK_STEP)
    return;
  sync_file_range (w->fd, (off_t) w->synced, (off_t) (w->offset - w->synced),
      SYNC_FILE_RANGE_WRITE);
  w->synced = w->offset;
#endif
}

gboolean
ja_ft_writer_write_unhashed (JaFtWriter *w, const void *data, gsize len,
    GError **error)
{
  const guint8 *p = data;
  gsize left = len;

  g_return_val_if_fail (w != NULL && w->state == STATE_OPEN, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (w->size != JA_FT_SIZE_UNKNOWN && len > w->size - w->offset) {
    g_set_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_TOO_LARGE,
        "more than the offered %" G_GUINT64_FORMAT " bytes", w->size);
    return FALSE;
  }
  while (left > 0) {
    ssize_t n = write (w->fd, p, left);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return set_io_error (error, errno, "cannot write", w->part_name);
    p += n;
    left -= n;
    w->offset += n;
  }
  start_writeback (w);
  return TRUE;
}

void
ja_ft_writer_hash (JaFtWriter *w, const void *data, gsize len)
{
  ja_ft_hasher_update (w->hasher, data, len);
}

gboolean
ja_ft_writer_write (JaFtWriter *w, const void *data, gsize len,
    GError **error)
{
  guint64 before = w->offset;
  gboolean ok = ja_ft_writer_write_unhashed (w, data, len, error);

  /* Keep the hash in step with what reached the file. */
  ja_ft_writer_hash (w, data, (gsize) (w->offset - before));
  return ok;
}

guint64
ja_ft_writer_get_offset (JaFtWriter *w)
{
  return w->offset;
}

const char *
ja_ft_writer_get_part_name (JaFtWriter *w)
{
  return w->part_name;
}

guint
ja_ft_writer_get_algos (JaFtWriter *w)
{
  return ja_ft_hasher_get_algos (w->hasher);
}

const JaFtHashList *
ja_ft_writer_get_hashes (JaFtWriter *w)
{
  return w->hashed ? &w->hashes : NULL;
}

static void
close_part (JaFtWriter *w, gboolean keep_part)
{
  if (!keep_part && w->part_name != NULL && part_is_ours (w)
      && unlinkat (w->dir_fd, w->part_name, 0) < 0)
    g_debug ("ft: cannot remove %s: %s", w->part_name, g_strerror (errno));
  if (w->fd >= 0)
    close (w->fd);
  w->fd = -1;
}

void
ja_ft_writer_abort (JaFtWriter *w, gboolean keep_part)
{
  g_return_if_fail (w != NULL);

  if (w->state != STATE_OPEN)
    return;
  g_debug ("ft: %s %s", keep_part ? "keeping" : "removing", w->part_name);
  close_part (w, keep_part);
  w->state = STATE_ENDED;
}

/* The mode a file created with 0666 would get: 0666 & ~umask. umask(2)
 * cannot read the mask without changing it (a race with other threads), so
 * it comes from /proc (Linux 4.7+), else the usual 022. */
static mode_t
default_file_mode (void)
{
  g_autofree char *status = NULL;
  const char *line;
  mode_t mask = 022;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)) {
    line = strstr (status, "\nUmask:");
    if (line != NULL)
      mask = (mode_t) g_ascii_strtoull (line + 7, NULL, 8) & 0777;
  }
  return 0666 & ~mask;
}

static gboolean
verify_hashes (JaFtWriter *w, const JaFtHashList *expected, GError **error)
{
  for (guint i = 0; expected != NULL && i < expected->n; i++) {
    const JaFtHash *want = &expected->items[i];
    const JaFtHash *got;

    if (want->len == 0)
      continue;
    got = ja_ft_hash_list_find (&w->hashes, want->algo);
    if (got != NULL && !ja_ft_hash_equal (got, want)) {
      g_set_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_HASH_MISMATCH,
          "%s: %s hash mismatch", w->name,
          ja_ft_hash_algo_to_string (want->algo));
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
finish_part (JaFtWriter *w, const JaFtHashList *expected, char **final,
    GError **error)
{
  ja_ft_hasher_finish (w->hasher, &w->hashes);
  w->hashed = TRUE;
  if (!verify_hashes (w, expected, error))
    return FALSE;
  if (fdatasync (w->fd) < 0 || fchmod (w->fd, default_file_mode ()) < 0)
    return set_io_error (error, errno, "cannot complete", w->part_name);
  if (!part_is_ours (w)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "%s was replaced during the transfer", w->part_name);
    return FALSE;
  }
  return ja_ft_name_rename_unique (w->dir_fd, w->part_name, w->name, final,
      error);
}

char *
ja_ft_writer_finish (JaFtWriter *w, const JaFtHashList *expected,
    GError **error)
{
  g_autofree char *final = NULL;

  g_return_val_if_fail (w != NULL && w->state == STATE_OPEN, NULL);

  if (w->size != JA_FT_SIZE_UNKNOWN && w->offset < w->size) {
    g_set_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_INCOMPLETE,
        "%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes",
        w->name, w->offset, w->size);
    return NULL;
  }
  if (!finish_part (w, expected, &final, error)) {
    close_part (w, FALSE);
    w->state = STATE_ENDED;
    return NULL;
  }
  close (w->fd);
  w->fd = -1;
  w->state = STATE_DONE;
  g_debug ("ft: %s complete as %s", w->part_name, final);
  return g_build_filename (w->dir, final, NULL);
}

void
ja_ft_writer_free (JaFtWriter *w)
{
  if (w == NULL)
    return;
  if (w->state == STATE_OPEN && w->fd >= 0)
    ja_ft_writer_abort (w, FALSE);
  if (w->fd >= 0)
    close (w->fd);
  if (w->dir_fd >= 0)
    close (w->dir_fd);
  ja_ft_hasher_free (w->hasher);
  g_free (w->dir);
  g_free (w->name);
  g_free (w->part_name);
  g_free (w);
}

gboolean
ja_ft_check_space (const char *dir, guint64 size, guint64 max_size,
    guint64 reserve, GError **error)
{
  struct statvfs sv;
  guint64 avail;

  g_return_val_if_fail (dir != NULL, FALSE);

  if (max_size != 0 && size > max_size) {
    g_set_error (error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_TOO_LARGE,
        "%" G_GUINT64_FORMAT " bytes is over the limit of %" G_GUINT64_FORMAT,
        size, max_size);
    return FALSE;
  }
  if (statvfs (dir, &sv) < 0)
    return set_io_error (error, errno, "cannot stat file system of", dir);
  avail = (guint64) sv.f_bavail;
  if (sv.f_frsize != 0 && avail > G_MAXUINT64 / sv.f_frsize)
    avail = G_MAXUINT64;
  else
    avail *= sv.f_frsize;
  if (size > avail || reserve > avail - size) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
        "%" G_GUINT64_FORMAT " bytes needed in %s, %" G_GUINT64_FORMAT
        " free", size, dir, avail);
    return FALSE;
  }
  return TRUE;
}
