/* ft-hash.c — XEP-0300 hashes for file transfer (see ft-hash.h): the
 * algorithm table, strict base64 values, a GnuTLS multi-hasher, and whole-
 * file hashing in a GTask worker thread with progress in the caller's main
 * context. */

#include "plugins/file-transfer/ft-hash.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "signalling/xmpp/xmpp-error.h"

#define BLOCK_SIZE (1024 * 1024)

static const struct {
  const char *name;             /* XEP-0300 / IANA text name */
  gnutls_digest_algorithm_t gnutls;
  guint len;
} algos[JA_FT_N_HASH_ALGOS] = {
  [JA_FT_HASH_SHA_256] = { "sha-256", GNUTLS_DIG_SHA256, 32 },
  [JA_FT_HASH_SHA_512] = { "sha-512", GNUTLS_DIG_SHA512, 64 },
  [JA_FT_HASH_SHA3_256] = { "sha3-256", GNUTLS_DIG_SHA3_256, 32 },
};

const char *
ja_ft_hash_algo_to_string (JaFtHashAlgo algo)
{
  g_return_val_if_fail (algo < JA_FT_N_HASH_ALGOS, NULL);

  return algos[algo].name;
}

gboolean
ja_ft_hash_algo_from_string (const char *name, JaFtHashAlgo *algo,
    GError **error)
{
  for (guint i = 0; name != NULL && i < JA_FT_N_HASH_ALGOS; i++) {
    if (strcmp (name, algos[i].name) == 0) {
      *algo = i;
      return TRUE;
    }
  }
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
      "unsupported hash algorithm");
  return FALSE;
}

guint
ja_ft_hash_algo_get_length (JaFtHashAlgo algo)
{
  g_return_val_if_fail (algo < JA_FT_N_HASH_ALGOS, 0);

  return algos[algo].len;
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

gboolean
ja_ft_hash_set_base64 (JaFtHash *hash, JaFtHashAlgo algo, const char *text,
    GError **error)
{
  /* Room for the longest digest's base64 and a little more, so that a
   * length check happens before anything is decoded. */
  guint8 buf[JA_FT_HASH_MAX_LEN + 8];
  gsize start = 0, end, pad = 0, n;
  gint state = 0;
  guint save = 0;

  g_return_val_if_fail (algo < JA_FT_N_HASH_ALGOS, FALSE);

  memset (hash, 0, sizeof *hash);
  hash->algo = algo;
  if (text == NULL)
    return TRUE;

  end = strlen (text);
  while (start < end && g_ascii_isspace (text[start]))
    start++;
  while (end > start && g_ascii_isspace (text[end - 1]))
    end--;
  if (start == end)
    return TRUE;

  n = end - start;
  /* g_base64_decode_step wants len / 4 * 3 + 3 bytes of room. */
  if (n % 4 != 0 || n / 4 * 3 + 3 > sizeof buf)
    goto bad;
  if (text[end - 1] == '=')
    pad++;
  if (text[end - 2] == '=')
    pad++;
  for (gsize i = start; i < end - pad; i++) {
    if (!is_base64_char (text[i]))
      goto bad;
  }
  if (n / 4 * 3 - pad != algos[algo].len)
    goto bad;

  n = g_base64_decode_step (text + start, end - start, buf, &state, &save);
  if (n != algos[algo].len)
    goto bad;
  memcpy (hash->digest, buf, n);
  hash->len = n;
  return TRUE;

bad:
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
      "<hash algo='%s'/> is not base64 of %u bytes", algos[algo].name,
      algos[algo].len);
  return FALSE;
}

char *
ja_ft_hash_to_base64 (const JaFtHash *hash)
{
  g_return_val_if_fail (hash != NULL, NULL);

  if (hash->len == 0)
    return g_strdup ("");
  return g_base64_encode (hash->digest, hash->len);
}

gboolean
ja_ft_hash_equal (const JaFtHash *a, const JaFtHash *b)
{
  return a->algo == b->algo && a->len == b->len
      && memcmp (a->digest, b->digest, a->len) == 0;
}

const JaFtHash *
ja_ft_hash_list_find (const JaFtHashList *list, JaFtHashAlgo algo)
{
  for (guint i = 0; i < list->n; i++) {
    if (list->items[i].algo == algo && list->items[i].len > 0)
      return &list->items[i];
  }
  return NULL;
}

gboolean
ja_ft_hash_list_set (JaFtHashList *list, const JaFtHash *hash)
{
  for (guint i = 0; i < list->n; i++) {
    if (list->items[i].algo == hash->algo) {
      list->items[i] = *hash;
      return TRUE;
    }
  }
  if (list->n >= JA_FT_MAX_HASHES)
    return FALSE;
  list->items[list->n++] = *hash;
  return TRUE;
}

/* ---- incremental hasher ---- */

struct _JaFtHasher {
  guint algos;
  gnutls_hash_hd_t hd[JA_FT_N_HASH_ALGOS];
};

JaFtHasher *
ja_ft_hasher_new (guint mask, GError **error)
{
  g_autoptr (JaFtHasher) hasher = g_new0 (JaFtHasher, 1);

  g_return_val_if_fail ((mask & ~JA_FT_HASH_ALL) == 0, NULL);

  for (guint i = 0; i < JA_FT_N_HASH_ALGOS; i++) {
    int ret;

    if ((mask & JA_FT_HASH_BIT (i)) == 0)
      continue;
    ret = gnutls_hash_init (&hasher->hd[i], algos[i].gnutls);
    if (ret < 0) {
      hasher->hd[i] = NULL;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
          "%s: %s", algos[i].name, gnutls_strerror (ret));
      return NULL;
    }
    hasher->algos |= JA_FT_HASH_BIT (i);
  }
  return g_steal_pointer (&hasher);
}

void
ja_ft_hasher_update (JaFtHasher *hasher, const void *data, gsize len)
{
  for (guint i = 0; i < JA_FT_N_HASH_ALGOS && len > 0; i++) {
    if (hasher->hd[i] != NULL)
      gnutls_hash (hasher->hd[i], data, len);
  }
}

void
ja_ft_hasher_finish (JaFtHasher *hasher, JaFtHashList *out)
{
  memset (out, 0, sizeof *out);
  for (guint i = 0; i < JA_FT_N_HASH_ALGOS; i++) {
    JaFtHash *h;

    if (hasher->hd[i] == NULL)
      continue;
    h = &out->items[out->n++];
    h->algo = i;
    h->len = algos[i].len;
    /* gnutls_hash_output also resets the context. */
    gnutls_hash_output (hasher->hd[i], h->digest);
  }
}

guint
ja_ft_hasher_get_algos (JaFtHasher *hasher)
{
  return hasher->algos;
}

void
ja_ft_hasher_free (JaFtHasher *hasher)
{
  if (hasher == NULL)
    return;
  for (guint i = 0; i < JA_FT_N_HASH_ALGOS; i++) {
    if (hasher->hd[i] != NULL)
      gnutls_hash_deinit (hasher->hd[i], NULL);
  }
  g_free (hasher);
}

/* ---- whole file in a thread ---- */

typedef struct {
  char *path;
  guint algos;
  JaFtHashProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;       /* where progress runs */
  gint progress_pending;       /* atomic: one queued progress call at most */
  gint finished;               /* atomic: _finish() has run */
  JaFtHashList result;
  guint64 size;
} HashJob;

typedef struct {
  GTask *task;                 /* owned */
  guint64 done;
  guint64 total;
} ProgressUpdate;

static void
hash_job_free (gpointer data)
{
  HashJob *job = data;

  g_free (job->path);
  g_main_context_unref (job->context);
  g_free (job);
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *update = data;

  g_object_unref (update->task);
  g_free (update);
}

static gboolean
progress_dispatch_cb (gpointer data)
{
  ProgressUpdate *update = data;
  HashJob *job = g_task_get_task_data (update->task);

  g_atomic_int_set (&job->progress_pending, 0);
  if (!g_task_get_completed (update->task)
      && !g_atomic_int_get (&job->finished))
    job->progress (update->done, update->total, job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
post_progress (GTask *task, HashJob *job, guint64 done, guint64 total)
{
  ProgressUpdate *update;

  if (job->progress == NULL
      || !g_atomic_int_compare_and_exchange (&job->progress_pending, 0, 1))
    return;
  update = g_new0 (ProgressUpdate, 1);
  update->task = g_object_ref (task);
  update->done = done;
  update->total = total;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT,
      progress_dispatch_cb, update, progress_update_free);
}

static gboolean
hash_fd (GTask *task, HashJob *job, int fd, GCancellable *cancellable,
    GError **error)
{
  g_autofree guint8 *buf = g_malloc (BLOCK_SIZE);
  g_autoptr (JaFtHasher) hasher = NULL;
  struct stat st;
  guint64 total;

  if (fstat (fd, &st) < 0) {
    int errsv = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
        "%s: %s", job->path, g_strerror (errsv));
    return FALSE;
  }
  total = S_ISREG (st.st_mode) ? (guint64) st.st_size : 0;
  hasher = ja_ft_hasher_new (job->algos, error);
  if (hasher == NULL)
    return FALSE;

  for (;;) {
    ssize_t n;

    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      return FALSE;
    n = read (fd, buf, BLOCK_SIZE);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
          "%s: %s", job->path, g_strerror (errsv));
      return FALSE;
    }
    if (n == 0)
      break;
    ja_ft_hasher_update (hasher, buf, n);
    job->size += n;
    post_progress (task, job, job->size, MAX (total, job->size));
  }
  ja_ft_hasher_finish (hasher, &job->result);
  return TRUE;
}

static void
hash_file_thread (GTask *task, gpointer source, gpointer data,
    GCancellable *cancellable)
{
  HashJob *job = data;
  GError *error = NULL;
  int fd;

  fd = g_open (job->path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) {
    int errsv = errno;

    g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
        "%s: %s", job->path, g_strerror (errsv));
    return;
  }
  if (!hash_fd (task, job, fd, cancellable, &error)) {
    close (fd);
    g_task_return_error (task, error);
    return;
  }
  close (fd);
  g_task_return_boolean (task, TRUE);
}

void
ja_ft_hash_file_async (const char *path, guint mask,
    GCancellable *cancellable, JaFtHashProgressFunc progress,
    gpointer progress_data, GAsyncReadyCallback callback,
    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  HashJob *job;

  g_return_if_fail (path != NULL);
  g_return_if_fail (mask != 0 && (mask & ~JA_FT_HASH_ALL) == 0);

  job = g_new0 (HashJob, 1);
  job->path = g_strdup (path);
  job->algos = mask;
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ja_ft_hash_file_async);
  g_task_set_task_data (task, job, hash_job_free);
  g_task_run_in_thread (task, hash_file_thread);
}

gboolean
ja_ft_hash_file_finish (GAsyncResult *result, JaFtHashList *out,
    guint64 *size, GError **error)
{
  GTask *task = G_TASK (result);
  HashJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (task) == ja_ft_hash_file_async,
      FALSE);

  job = g_task_get_task_data (task);
  g_atomic_int_set (&job->finished, 1);
  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  if (out != NULL)
    *out = job->result;
  if (size != NULL)
    *size = job->size;
  return TRUE;
}
