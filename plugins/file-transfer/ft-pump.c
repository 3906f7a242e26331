/* ft-pump.c — the threaded data path of ft-pump.h. */
#define _GNU_SOURCE
#include "plugins/file-transfer/ft-pump.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

/* Bytes per sendfile(2) call (the kernel sends what the socket takes). */
#define SEND_CHUNK (4 * 1024 * 1024)
/* The buffered stretch around a corrupted byte (test hook). */
#define CORRUPT_CHUNK (64 * 1024)

struct _JaFtPump {
  gboolean sender;
  GSocket *socket;
  /* sender */
  int fd;
  guint64 offset;
  guint64 length;
  gint64 corrupt_offset;
  guint64 rate;                /* bytes per second, 0: as fast as it goes */
  /* receiver */
  JaFtWriter *writer;
  guint64 bytes;               /* atomic */
  gboolean socket_failed;
};

static void
add_bytes (JaFtPump *pump, guint64 n)
{
  __atomic_add_fetch (&pump->bytes, n, __ATOMIC_RELAXED);
}

gboolean
ja_ft_pump_failed_on_socket (JaFtPump *pump)
{
  return pump->socket_failed;
}

guint64
ja_ft_pump_get_bytes (JaFtPump *pump)
{
  return __atomic_load_n (&pump->bytes, __ATOMIC_RELAXED);
}

JaFtPump *
ja_ft_pump_new_sender (GSocket *socket, int fd, guint64 offset,
    guint64 length, gint64 corrupt_offset, GError **error)
{
  JaFtPump *pump;
  int copy = fcntl (fd, F_DUPFD_CLOEXEC, 0);

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
  if (copy < 0) {
    int errsv = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
        "cannot duplicate the file descriptor: %s", g_strerror (errsv));
    return NULL;
  }
  pump = g_new0 (JaFtPump, 1);
  pump->sender = TRUE;
  pump->socket = g_object_ref (socket);
  pump->fd = copy;
  pump->offset = offset;
  pump->length = length;
  pump->corrupt_offset = corrupt_offset;
  /* The kernel may read ahead further than usual. */
  posix_fadvise (copy, (off_t) offset, 0, POSIX_FADV_SEQUENTIAL);
  return pump;
}

JaFtPump *
ja_ft_pump_new_receiver (GSocket *socket, JaFtWriter *writer)
{
  JaFtPump *pump = g_new0 (JaFtPump, 1);

  g_return_val_if_fail (G_IS_SOCKET (socket) && writer != NULL, NULL);
  pump->socket = g_object_ref (socket);
  pump->fd = -1;
  pump->writer = writer;
  return pump;
}

void
ja_ft_pump_free (JaFtPump *pump)
{
  if (pump == NULL)
    return;
  g_clear_object (&pump->socket);
  if (pump->fd >= 0)
    close (pump->fd);
  g_free (pump);
}

void
ja_ft_pump_set_rate (JaFtPump *pump, guint64 bytes_per_second)
{
  g_return_if_fail (pump != NULL && pump->sender);
  pump->rate = bytes_per_second;
}

/* ---- sender ------------------------------------------------------------- */

static gboolean
set_errno_error (GError **error, int errsv, const char *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s: %s",
      what, g_strerror (errsv));
  return FALSE;
}

/* The stretch holding the corrupted byte: read, flip, send. */
static gboolean
send_corrupted (JaFtPump *pump, guint64 *pos, GCancellable *cancellable,
    GError **error)
{
  gsize len = (gsize) MIN (pump->offset + pump->length - *pos,
      CORRUPT_CHUNK);
  g_autofree guint8 *buf = g_malloc (len);
  gsize done = 0;
  ssize_t n;

  do
    n = pread (pump->fd, buf, len, (off_t) *pos);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return set_errno_error (error, errno, "reading the file");
  if (n == 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "the file is shorter than offered");
    return FALSE;
  }
  len = (gsize) n;
  if ((guint64) pump->corrupt_offset < *pos + len)
    buf[pump->corrupt_offset - (gint64) *pos] ^= 0x01;
  pump->corrupt_offset = -1;
  while (done < len) {
    gssize w = g_socket_send_with_blocking (pump->socket,
        (const char *) buf + done, len - done, TRUE, cancellable, error);

    if (w < 0)
      return FALSE;
    done += (gsize) w;
  }
  *pos += len;
  add_bytes (pump, len);
  return TRUE;
}

/* Test hook (ja_ft_pump_set_rate): with a rate, TRUE while the bytes sent
 * since start_us are ahead of it, after sleeping at most 100 ms towards
 * the time they are due; *chunk is cut to a twentieth of a second's worth. */
static gboolean
throttle (JaFtPump *pump, guint64 sent, gint64 start_us, gsize *chunk)
{
  gint64 due_us;
  gint64 now_us;

  if (pump->rate == 0)
    return FALSE;
  *chunk = (gsize) CLAMP (pump->rate / 20, 4096, SEND_CHUNK);
  due_us = start_us + (gint64) ((double) sent * G_USEC_PER_SEC / pump->rate);
  now_us = g_get_monotonic_time ();
  if (now_us >= due_us)
    return FALSE;
  g_usleep ((gulong) MIN (due_us - now_us, 100 * 1000));
  return TRUE;
}

static gboolean
run_sender (JaFtPump *pump, GCancellable *cancellable, GError **error)
{
  int sock = g_socket_get_fd (pump->socket);
  guint64 pos = pump->offset;
  guint64 end = pump->offset + pump->length;
  gint64 start_us = g_get_monotonic_time ();

  while (pos < end) {
    off_t off = (off_t) pos;
    gsize chunk = SEND_CHUNK;
    ssize_t n;

    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      return FALSE;
    if (throttle (pump, pos - pump->offset, start_us, &chunk))
      continue;
    if (pump->corrupt_offset >= 0 && (guint64) pump->corrupt_offset >= pos
        && (guint64) pump->corrupt_offset < pos + CORRUPT_CHUNK) {
      if (!send_corrupted (pump, &pos, cancellable, error))
        return FALSE;
      continue;
    }
    /* Never past the byte the test hook corrupts: a partial sendfile may
     * leave pos anywhere, and a whole chunk from there could carry it
     * uncorrupted (the hook then missed it). */
    if (pump->corrupt_offset >= 0 && (guint64) pump->corrupt_offset > pos)
      chunk = (gsize) MIN ((guint64) chunk,
          (guint64) pump->corrupt_offset - pos);
    n = sendfile (sock, pump->fd, &off, (size_t) MIN (end - pos, chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!g_socket_condition_wait (pump->socket, G_IO_OUT, cancellable,
              error)) {
        pump->socket_failed = TRUE;
        return FALSE;
      }
      continue;
    }
    if (n < 0)
      return set_errno_error (error, errno, "sending");
    if (n == 0) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
          "the file is shorter than offered (%" G_GUINT64_FORMAT " of %"
          G_GUINT64_FORMAT " bytes)", pos, end);
      return FALSE;
    }
    pos += (guint64) n;
    add_bytes (pump, (guint64) n);
  }
  return TRUE;
}

/* ---- receiver ----------------------------------------------------------- */

typedef struct {
  guint8 *data;
  gsize len;            /* 0: the end */
} Block;

typedef struct {
  JaFtWriter *writer;
  GAsyncQueue *filled;  /* Block*: written, to hash */
  GAsyncQueue *free;    /* Block*: hashed, to fill again */
} Hashing;

static gpointer
hash_thread (gpointer data)
{
  Hashing *h = data;

  for (;;) {
    Block *b = g_async_queue_pop (h->filled);

    if (b->len == 0) {
      g_async_queue_push (h->free, b);
      return NULL;
    }
    ja_ft_writer_hash (h->writer, b->data, b->len);
    g_async_queue_push (h->free, b);
  }
}

static gboolean
receive_loop (JaFtPump *pump, Hashing *h, GCancellable *cancellable,
    GError **error)
{
  for (;;) {
    Block *b = g_async_queue_pop (h->free);
    gssize n = g_socket_receive_with_blocking (pump->socket,
        (char *) b->data, JA_FT_PUMP_BUFFER, TRUE, cancellable, error);

    if (n < 0) {
      g_async_queue_push (h->free, b);
      pump->socket_failed = TRUE;
      return FALSE;
    }
    if (n == 0) {
      g_async_queue_push (h->free, b);
      return TRUE;
    }
    b->len = (gsize) n;
    if (!ja_ft_writer_write_unhashed (pump->writer, b->data, b->len,
            error)) {
      g_async_queue_push (h->free, b);
      return FALSE;
    }
    g_async_queue_push (h->filled, b);
    add_bytes (pump, (guint64) n);
  }
}

static gboolean
run_receiver (JaFtPump *pump, GCancellable *cancellable, GError **error)
{
  Block blocks[JA_FT_PUMP_WINDOW + 1];
  Block end = { NULL, 0 };
  Hashing h = { pump->writer, g_async_queue_new (), g_async_queue_new () };
  GThread *thread;
  gboolean ok;

  for (guint i = 0; i < JA_FT_PUMP_WINDOW; i++) {
    blocks[i].data = g_malloc (JA_FT_PUMP_BUFFER);
    blocks[i].len = 0;
    g_async_queue_push (h.free, &blocks[i]);
  }
  thread = g_thread_new ("ja-ft-hash", hash_thread, &h);
  ok = receive_loop (pump, &h, cancellable, error);
  g_async_queue_push (h.filled, &end);
  g_thread_join (thread);
  for (guint i = 0; i < JA_FT_PUMP_WINDOW; i++)
    g_free (blocks[i].data);
  g_async_queue_unref (h.filled);
  g_async_queue_unref (h.free);
  return ok;
}

/* ---- running ------------------------------------------------------------ */

static void
pump_thread (GTask *task, gpointer source, gpointer task_data,
    GCancellable *cancellable)
{
  JaFtPump *pump = task_data;
  GError *error = NULL;
  gboolean ok = pump->sender ? run_sender (pump, cancellable, &error)
      : run_receiver (pump, cancellable, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ja_ft_pump_run_async (JaFtPump *pump, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback,
      user_data);

  g_task_set_source_tag (task, ja_ft_pump_run_async);
  g_task_set_task_data (task, pump, NULL);
  /* The thread owns the socket and the writer until it returns. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, pump_thread);
}

gboolean
ja_ft_pump_run_finish (JaFtPump *pump, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (res), error);
}
