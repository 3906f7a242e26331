/* ibb-input-stream.c — the read half of a JaIbbSession (XEP-0047): a thin
 * GInputStream whose asynchronous reads go to the session; synchronous
 * reads are not supported (everything runs on the main context). Points
 * back at its session without a reference; detached when the session goes. */
#include "plugins/ibb/ibb-session-private.h"

struct _JaIbbInputStream {
  GInputStream parent;
  JaIbbSession *session;      /* unowned, NULL once detached */
};

G_DEFINE_FINAL_TYPE (JaIbbInputStream, ja_ibb_input_stream, G_TYPE_INPUT_STREAM)

static gssize
read_fn (GInputStream *stream, void *buffer, gsize count,
    GCancellable *cancellable, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
      "IBB streams can only be read asynchronously");
  return -1;
}

static void
read_async (GInputStream *stream, void *buffer, gsize count, int io_priority,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  JaIbbInputStream *self = JA_IBB_INPUT_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, read_async);
  if (self->session == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "the IBB session is gone");
    g_object_unref (task);
    return;
  }
  ja_ibb_session_read (self->session, buffer, count, task);
}

static gssize
read_finish (GInputStream *stream, GAsyncResult *res, GError **error)
{
  return g_task_propagate_int (G_TASK (res), error);
}

/* Closing the read half of an open bytestream aborts it: IBB has no
 * half-close (XEP-0047 §2.3 closes both directions). */
static gboolean
close_fn (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  JaIbbInputStream *self = JA_IBB_INPUT_STREAM (stream);

  if (self->session != NULL)
    ja_ibb_session_abort (self->session);
  return TRUE;
}

static void
close_async (GInputStream *stream, int io_priority, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  close_fn (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
close_finish (GInputStream *stream, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
ja_ibb_input_stream_class_init (JaIbbInputStreamClass *klass)
{
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  input_class->read_fn = read_fn;
  input_class->read_async = read_async;
  input_class->read_finish = read_finish;
  input_class->close_fn = close_fn;
  input_class->close_async = close_async;
  input_class->close_finish = close_finish;
}

static void
ja_ibb_input_stream_init (JaIbbInputStream *self)
{
}

GInputStream *
ja_ibb_input_stream_new (JaIbbSession *session)
{
  JaIbbInputStream *self = g_object_new (JA_TYPE_IBB_INPUT_STREAM, NULL);

  self->session = session;
  return G_INPUT_STREAM (self);
}

void
ja_ibb_input_stream_detach (JaIbbInputStream *self)
{
  self->session = NULL;
}
