/* ibb-output-stream.c — the write half of a JaIbbSession (XEP-0047): a thin
 * GOutputStream whose asynchronous writes and close go to the session
 * (close waits for every block's acknowledgement, then sends <close/>);
 * synchronous writes are not supported. The synchronous close, which
 * GOutputStream's dispose uses, aborts. Points back at its session without
 * a reference; detached when the session goes. */
#include "plugins/ibb/ibb-session-private.h"

struct _JaIbbOutputStream {
  GOutputStream parent;
  JaIbbSession *session;      /* unowned, NULL once detached */
};

G_DEFINE_FINAL_TYPE (JaIbbOutputStream, ja_ibb_output_stream,
    G_TYPE_OUTPUT_STREAM)

static gssize
write_fn (GOutputStream *stream, const void *buffer, gsize count,
    GCancellable *cancellable, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
      "IBB streams can only be written asynchronously");
  return -1;
}

static GTask *
new_task (GOutputStream *stream, gpointer tag, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  JaIbbOutputStream *self = JA_IBB_OUTPUT_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  if (self->session == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "the IBB session is gone");
    g_object_unref (task);
    return NULL;
  }
  return task;
}

static void
write_async (GOutputStream *stream, const void *buffer, gsize count,
    int io_priority, GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  GTask *task = new_task (stream, write_async, cancellable, callback,
      user_data);

  if (task != NULL)
    ja_ibb_session_write (JA_IBB_OUTPUT_STREAM (stream)->session, buffer,
        count, task);
}

static gssize
write_finish (GOutputStream *stream, GAsyncResult *res, GError **error)
{
  return g_task_propagate_int (G_TASK (res), error);
}

static gboolean
close_fn (GOutputStream *stream, GCancellable *cancellable, GError **error)
{
  JaIbbOutputStream *self = JA_IBB_OUTPUT_STREAM (stream);

  if (self->session != NULL)
    ja_ibb_session_abort (self->session);
  return TRUE;
}

static void
close_async (GOutputStream *stream, int io_priority, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = new_task (stream, close_async, cancellable, callback,
      user_data);

  if (task != NULL)
    ja_ibb_session_close_output (JA_IBB_OUTPUT_STREAM (stream)->session, task);
}

static gboolean
close_finish (GOutputStream *stream, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
ja_ibb_output_stream_class_init (JaIbbOutputStreamClass *klass)
{
  GOutputStreamClass *output_class = G_OUTPUT_STREAM_CLASS (klass);

  output_class->write_fn = write_fn;
  output_class->write_async = write_async;
  output_class->write_finish = write_finish;
  output_class->close_fn = close_fn;
  output_class->close_async = close_async;
  output_class->close_finish = close_finish;
}

static void
ja_ibb_output_stream_init (JaIbbOutputStream *self)
{
}

GOutputStream *
ja_ibb_output_stream_new (JaIbbSession *session)
{
  JaIbbOutputStream *self = g_object_new (JA_TYPE_IBB_OUTPUT_STREAM, NULL);

  self->session = session;
  return G_OUTPUT_STREAM (self);
}

void
ja_ibb_output_stream_detach (JaIbbOutputStream *self)
{
  self->session = NULL;
}
