/* ibb-session.c — one XEP-0047 In-Band Bytestream (§2.2 data, §2.3 close,
 * §3 both directions) as a GIOStream on the JaXmppStream's main context.
 * Owns its two stream halves and the received, not yet read blocks; holds
 * its manager (and through it the XMPP stream). Every in-flight IQ holds a
 * reference on the session.
 *
 * Window: measured with the CLI, 20 MiB through a stock Prosody 0.12 on
 * loopback (2 cores), MB/s, after the stream stopped feeding Prosody TLS
 * records that stall its reader (xmpp-stream.c, "Bulk output"; before,
 * every cell was ~2.5 MB/s, bound by those stalls):
 *
 *   block    window 2   window 4   window 8   window 16
 *   16 KiB     8.4        9.6        9.4–10.3   10.2
 *   32 KiB    11.2       11.9       12.8–13.5   13.9
 *
 * Prosody is then CPU-bound (debug log on); the window matters little past
 * 4. We keep 8: FIELD-NOTES saw stop-and-wait stall ~48 ms per block on
 * Prosody's Nagle, and 8 bounds the sender at 8 × block-size.
 *
 * Flow control (sender): at most `window` data IQs unacknowledged, so at
 * most window × block-size bytes are buffered. Flow control (receiver): a
 * block is acknowledged once the unread buffer, counting it, is at most the
 * receive limit; otherwise the IQ reply is deferred until the reader makes
 * room, which stops the sender at its window. */
#include "plugins/ibb/ibb-session-private.h"

#include <string.h>

#include "plugins/ibb/ibb-codec.h"
#include "signalling/xmpp/ns.h"

typedef enum {
  STATE_OPEN,       /* data flows both ways */
  STATE_CLOSING,    /* we sent <close/>, waiting for its result */
  STATE_CLOSED,     /* closed by either side, or failed (error set) */
  N_STATES
} State;

static const char *const state_names[N_STATES] = {
  [STATE_OPEN] = "open",
  [STATE_CLOSING] = "closing",
  [STATE_CLOSED] = "closed",
};

struct _JaIbbSession {
  GIOStream parent;

  JaIbbManager *manager;      /* owned */
  JaXmppStream *stream;       /* borrowed from the manager */
  char *peer;
  char *sid;
  guint16 block_size;
  State state;
  GError *error;              /* why the bytestream failed, or NULL */
  gboolean registered;

  GInputStream *input;
  GOutputStream *output;

  /* receiving */
  guint16 in_seq;             /* the seq we expect next */
  GQueue in_blocks;           /* GBytes*, unread */
  gsize in_offset;            /* read position in the head block */
  gsize buffered;             /* unread bytes */
  gsize max_buffered;
  gsize receive_limit;
  GQueue deferred;            /* JaXmlNode* request skeletons to ack */
  GTask *read_task;
  guint8 *read_buf;
  gsize read_count;
  GSource *read_cancel;

  /* sending */
  guint16 out_seq;
  guint window;
  guint in_flight;
  gsize unacked;
  gsize max_unacked;
  GTask *write_task;
  const guint8 *write_buf;
  gsize write_count;
  GSource *write_cancel;
  GTask *close_task;
  JaIbbCorruption corrupt;
};

G_DEFINE_FINAL_TYPE (JaIbbSession, ja_ibb_session, G_TYPE_IO_STREAM)

typedef struct {
  JaIbbSession *session;      /* owned */
  gsize len;
} DataIq;

static void send_close (JaIbbSession *self);

static void
set_state (JaIbbSession *self, State state)
{
  if (self->state == state)
    return;
  g_debug ("ibb %s: %s -> %s", self->sid, state_names[self->state],
      state_names[state]);
  self->state = state;
}

/* ---- completing pending operations -------------------------------------- */

static GTask *
take_task (GTask **slot, GSource **cancel)
{
  if (*cancel != NULL) {
    g_source_destroy (*cancel);
    g_clear_pointer (cancel, g_source_unref);
  }
  return g_steal_pointer (slot);
}

static void
finish_read (JaIbbSession *self, gssize n, const GError *error)
{
  g_autoptr (GTask) task = take_task (&self->read_task, &self->read_cancel);

  self->read_buf = NULL;
  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_int (task, n);
}

static void
finish_write (JaIbbSession *self, gssize n, GError *error /* (transfer full) */)
{
  g_autoptr (GTask) task = take_task (&self->write_task, &self->write_cancel);

  self->write_buf = NULL;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

static void
finish_close (JaIbbSession *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->close_task);

  if (self->error != NULL)
    g_task_return_error (task, g_error_copy (self->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
unregister (JaIbbSession *self)
{
  if (!self->registered)
    return;
  self->registered = FALSE;
  ja_ibb_manager_remove_session (self->manager, self);
}

static void
flush_acks (JaIbbSession *self)
{
  JaXmlNode *req;

  while ((req = g_queue_pop_head (&self->deferred)) != NULL) {
    ja_xmpp_stream_reply (self->stream, req, NULL);
    ja_xml_node_free (req);
  }
}

static gsize copy_out (JaIbbSession *self, guint8 *buf, gsize count);

/* Completes what can be completed in the current state. */
static void
wake (JaIbbSession *self)
{
  g_autoptr (JaIbbSession) keep G_GNUC_UNUSED = g_object_ref (self);

  if (self->read_task != NULL) {
    if (self->buffered > 0 && self->error == NULL) {
      finish_read (self, copy_out (self, self->read_buf, self->read_count),
          NULL);
    } else if (self->error != NULL) {
      finish_read (self, -1, self->error);
    } else if (self->state != STATE_OPEN) {
      finish_read (self, 0, NULL);    /* EOF */
    }
  }
  if (self->write_task != NULL && self->state != STATE_OPEN) {
    finish_write (self, -1, self->error ? g_error_copy (self->error)
        : g_error_new (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
            "ibb %s: the bytestream is closed", self->sid));
  }
  if (self->close_task != NULL && self->state == STATE_CLOSED)
    finish_close (self);
}

/* The bytestream is over: with error (transfer full) it failed. */
static void
close_now (JaIbbSession *self, GError *error)
{
  if (error != NULL && self->error == NULL)
    self->error = error;
  else if (error != NULL)
    g_error_free (error);
  set_state (self, STATE_CLOSED);
  unregister (self);
  flush_acks (self);
  wake (self);
}

/* Fail the bytestream and tell the peer (XEP-0047 §2.2: after a data
 * error both the sender and the recipient close it). */
static void
fail (JaIbbSession *self, GError *error /* (transfer full) */)
{
  g_debug ("ibb %s: failed: %s", self->sid, error->message);
  if (self->state == STATE_OPEN)
    send_close (self);
  close_now (self, error);
}

/* ---- receiving ---------------------------------------------------------- */

static gsize
copy_out (JaIbbSession *self, guint8 *buf, gsize count)
{
  gsize done = 0;

  while (done < count && !g_queue_is_empty (&self->in_blocks)) {
    GBytes *head = g_queue_peek_head (&self->in_blocks);
    gsize len;
    const guint8 *data = g_bytes_get_data (head, &len);
    gsize n = MIN (count - done, len - self->in_offset);

    memcpy (buf + done, data + self->in_offset, n);
    done += n;
    self->in_offset += n;
    if (self->in_offset == len) {
      g_bytes_unref (g_queue_pop_head (&self->in_blocks));
      self->in_offset = 0;
    }
  }
  self->buffered -= done;
  if (self->buffered <= self->receive_limit)
    flush_acks (self);
  return done;
}

/* A reply needs only the request's from and id; keep no more than that. */
static JaXmlNode *
new_request_skeleton (const JaXmlNode *iq)
{
  JaXmlNode *req = ja_xml_node_new ("iq", JA_NS_CLIENT);

  ja_xml_node_set_attr (req, "from", ja_xml_node_get_attr (iq, "from"));
  ja_xml_node_set_attr (req, "id", ja_xml_node_get_attr (iq, "id"));
  ja_xml_node_set_attr (req, "type", "set");
  return req;
}

gboolean
ja_ibb_session_handle_data (JaIbbSession *self, const JaXmlNode *iq,
    const JaXmlNode *data, gboolean *deferred, GError **error)
{
  g_autoptr (JaIbbSession) keep G_GNUC_UNUSED = g_object_ref (self);
  g_autoptr (GError) local = NULL;
  g_autofree guint8 *buf = NULL;
  const char *sid;
  guint16 seq;
  gsize len = 0;
  const char *text = ja_xml_node_get_text (data);
  gsize text_len = data->text != NULL ? data->text->len : 0;

  if (self->state != STATE_OPEN) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_ITEM_NOT_FOUND,
        "ibb %s: the bytestream is closed", self->sid);
    return FALSE;
  }
  if (!ja_ibb_data_parse (data, &sid, &seq, &local))
    goto failed;
  /* XEP-0047 §2.2: out of sequence means lost data; process none of it. */
  if (seq != self->in_seq) {
    g_set_error (&local, JA_XMPP_ERROR, JA_XMPP_ERROR_UNEXPECTED_REQUEST,
        "ibb %s: block seq %u, expected %u", self->sid, seq, self->in_seq);
    goto failed;
  }
  if (g_queue_get_length (&self->deferred) >= JA_IBB_MAX_DEFERRED_ACKS) {
    g_set_error (&local, JA_XMPP_ERROR, JA_XMPP_ERROR_RESOURCE_CONSTRAINT,
        "ibb %s: more than %u blocks sent without waiting", self->sid,
        JA_IBB_MAX_DEFERRED_ACKS);
    goto failed;
  }
  buf = g_malloc (MAX (self->block_size, 1));
  if (!ja_ibb_data_decode (text, text_len, self->block_size, buf,
          self->block_size, &len, &local)) {
    g_prefix_error (&local, "ibb %s: block %u: ", self->sid, seq);
    goto failed;
  }
  self->in_seq = ja_ibb_seq_next (self->in_seq);
  if (len > 0) {
    g_queue_push_tail (&self->in_blocks,
        g_bytes_new_take (g_steal_pointer (&buf), len));
    self->buffered += len;
    self->max_buffered = MAX (self->max_buffered, self->buffered);
  }
  if (self->buffered > self->receive_limit) {
    g_queue_push_tail (&self->deferred, new_request_skeleton (iq));
    *deferred = TRUE;
  } else {
    flush_acks (self);    /* earlier ones first; this one on return */
  }
  wake (self);
  return TRUE;

failed:
  /* The error reply goes out before our <close/>, so the sender learns
   * why (XEP-0047 §2.2), and the handler's return must not answer again. */
  ja_xmpp_stream_reply_error (self->stream, iq, local);
  *deferred = TRUE;
  fail (self, g_steal_pointer (&local));
  return TRUE;
}

void
ja_ibb_session_handle_close (JaIbbSession *self)
{
  g_autoptr (JaIbbSession) keep G_GNUC_UNUSED = g_object_ref (self);

  g_debug ("ibb %s: closed by %s", self->sid, self->peer);
  close_now (self, NULL);
}

static gboolean
read_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  JaIbbSession *self = user_data;
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR,
      G_IO_ERROR_CANCELLED, "Operation was cancelled");

  finish_read (self, -1, error);
  return G_SOURCE_REMOVE;
}

static GSource *
watch_cancellable (JaIbbSession *self, GTask *task, GSourceFunc func)
{
  GCancellable *c = g_task_get_cancellable (task);
  GSource *source;

  if (c == NULL)
    return NULL;
  source = g_cancellable_source_new (c);
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, g_task_get_context (task));
  return source;
}

void
ja_ibb_session_read (JaIbbSession *self, void *buffer, gsize count,
    GTask *task)
{
  g_return_if_fail (self->read_task == NULL);

  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }
  self->read_task = task;
  self->read_buf = buffer;
  self->read_count = count;
  if (count == 0) {
    finish_read (self, 0, NULL);
    return;
  }
  self->read_cancel = watch_cancellable (self, task,
      G_SOURCE_FUNC (read_cancelled_cb));
  wake (self);
}

/* ---- sending ------------------------------------------------------------ */

static void
data_sent_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  DataIq *d = user_data;
  g_autoptr (JaIbbSession) self = d->session;
  g_autoptr (JaXmlNode) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = ja_xmpp_stream_iq_finish (JA_XMPP_STREAM (source), res, &error);
  self->in_flight--;
  self->unacked -= d->len;
  g_free (d);
  if (reply == NULL) {
    if (self->state == STATE_OPEN) {
      g_prefix_error (&error, "ibb %s: block refused by %s: ", self->sid,
          self->peer);
      fail (self, g_steal_pointer (&error));
    }
    return;
  }
  if (self->write_task != NULL && self->state == STATE_OPEN) {
    GTask *task = take_task (&self->write_task, &self->write_cancel);

    ja_ibb_session_write (self, self->write_buf, self->write_count, task);
  }
  if (self->close_task != NULL && self->in_flight == 0
      && self->state == STATE_OPEN)
    send_close (self);
}

static JaXmlNode *
new_iq_set (JaIbbSession *self, JaXmlNode *payload /* (transfer full) */)
{
  JaXmlNode *iq = ja_xml_node_new ("iq", JA_NS_CLIENT);

  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_set_attr (iq, "to", self->peer);
  ja_xml_node_add_child (iq, payload);
  return iq;
}

static void
send_block (JaIbbSession *self, const guint8 *data, gsize len)
{
  g_autofree guint8 *big = NULL;
  JaXmlNode *node;
  DataIq *d;

  switch (self->corrupt) {
  case JA_IBB_CORRUPT_SEQ:
    self->out_seq = ja_ibb_seq_next (self->out_seq);
    break;
  case JA_IBB_CORRUPT_OVERSIZE:
    big = g_malloc0 ((gsize) self->block_size + 1);
    data = big;
    len = (gsize) self->block_size + 1;
    break;
  case JA_IBB_CORRUPT_BASE64:
  case JA_IBB_CORRUPT_NONE:
    break;
  }
  node = ja_ibb_data_build (self->sid, self->out_seq, data, len);
  if (self->corrupt == JA_IBB_CORRUPT_BASE64)
    ja_xml_node_set_text (node, "!!!!");
  self->corrupt = JA_IBB_CORRUPT_NONE;
  self->out_seq = ja_ibb_seq_next (self->out_seq);

  d = g_new0 (DataIq, 1);
  d->session = g_object_ref (self);
  d->len = big != NULL ? self->block_size : len;
  self->in_flight++;
  self->unacked += d->len;
  self->max_unacked = MAX (self->max_unacked, self->unacked);
  ja_xmpp_stream_iq_async (self->stream, new_iq_set (self, node), NULL,
      data_sent_cb, d);
}

static gboolean
write_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  JaIbbSession *self = user_data;

  finish_write (self, -1, g_error_new_literal (G_IO_ERROR,
          G_IO_ERROR_CANCELLED, "Operation was cancelled"));
  return G_SOURCE_REMOVE;
}

/* Sends as many blocks as the window allows; waits when it is full. */
void
ja_ibb_session_write (JaIbbSession *self, const void *buffer, gsize count,
    GTask *task)
{
  gsize done = 0;

  g_return_if_fail (self->write_task == NULL);
  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }
  self->write_task = task;
  self->write_buf = buffer;
  self->write_count = count;
  if (self->state != STATE_OPEN || self->close_task != NULL) {
    finish_write (self, -1, self->error ? g_error_copy (self->error)
        : g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
            "ibb %s: the bytestream is closed", self->sid));
    return;
  }
  while (done < count && self->in_flight < self->window) {
    gsize n = MIN (count - done, self->block_size);

    send_block (self, self->write_buf + done, n);
    done += n;
  }
  if (done > 0 || count == 0) {
    finish_write (self, done, NULL);
    return;
  }
  self->write_cancel = watch_cancellable (self, task,
      G_SOURCE_FUNC (write_cancelled_cb));
}

/* ---- closing ------------------------------------------------------------ */

static void
close_sent_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaIbbSession) self = user_data;
  g_autoptr (JaXmlNode) reply = NULL;
  g_autoptr (GError) error = NULL;

  /* XEP-0047 §2.3: closed whether the peer answered result or an error. */
  reply = ja_xmpp_stream_iq_finish (JA_XMPP_STREAM (source), res, &error);
  if (reply == NULL)
    g_debug ("ibb %s: <close/> answered: %s", self->sid, error->message);
  close_now (self, NULL);
}

static void
send_close (JaIbbSession *self)
{
  g_debug ("ibb %s: sending <close/>", self->sid);
  set_state (self, STATE_CLOSING);
  ja_xmpp_stream_iq_async (self->stream,
      new_iq_set (self, ja_ibb_close_build (self->sid)), NULL, close_sent_cb,
      g_object_ref (self));
}

void
ja_ibb_session_close_output (JaIbbSession *self, GTask *task)
{
  g_return_if_fail (self->close_task == NULL);

  self->close_task = task;
  if (self->state == STATE_OPEN && self->in_flight == 0)
    send_close (self);
  else
    wake (self);
}

static void
ignore_reply_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (JaXmlNode) reply G_GNUC_UNUSED = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, NULL);
}

void
ja_ibb_session_abort (JaIbbSession *self)
{
  if (self->state == STATE_OPEN) {
    g_debug ("ibb %s: aborting", self->sid);
    ja_xmpp_stream_iq_async (self->stream,
        new_iq_set (self, ja_ibb_close_build (self->sid)), NULL,
        ignore_reply_cb, NULL);
  }
  if (self->state != STATE_CLOSED && self->error == NULL)
    self->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
        "ibb %s: closed locally", self->sid);
  set_state (self, STATE_CLOSED);
  unregister (self);
  flush_acks (self);
  wake (self);
}

/* ---- GIOStream ---------------------------------------------------------- */

static GInputStream *
get_input_stream (GIOStream *stream)
{
  return JA_IBB_SESSION (stream)->input;
}

static GOutputStream *
get_output_stream (GIOStream *stream)
{
  return JA_IBB_SESSION (stream)->output;
}

/* Synchronous close (also what GIOStream's dispose calls): abortive. */
static gboolean
close_fn (GIOStream *stream, GCancellable *cancellable, GError **error)
{
  ja_ibb_session_abort (JA_IBB_SESSION (stream));
  return TRUE;
}

static void
output_closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  JaIbbSession *self = g_task_get_source_object (task);

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), res, &error)) {
    g_task_return_error (task, error);
    return;
  }
  /* Nothing left to say on the input side once <close/> is through. */
  if (self->input != NULL)
    g_input_stream_close (self->input, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

/* Graceful: the output drains and sends <close/>; the input then is done. */
static void
close_async (GIOStream *stream, int io_priority, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  JaIbbSession *self = JA_IBB_SESSION (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_output_stream_close_async (self->output, io_priority, cancellable,
      output_closed_cb, task);
}

static gboolean
close_finish (GIOStream *stream, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
ja_ibb_session_dispose (GObject *object)
{
  JaIbbSession *self = JA_IBB_SESSION (object);

  if (self->manager != NULL)
    ja_ibb_session_abort (self);
  if (self->input != NULL)
    ja_ibb_input_stream_detach (JA_IBB_INPUT_STREAM (self->input));
  if (self->output != NULL)
    ja_ibb_output_stream_detach (JA_IBB_OUTPUT_STREAM (self->output));
  g_clear_object (&self->input);
  g_clear_object (&self->output);
  G_OBJECT_CLASS (ja_ibb_session_parent_class)->dispose (object);
  g_clear_object (&self->manager);
}

static void
ja_ibb_session_finalize (GObject *object)
{
  JaIbbSession *self = JA_IBB_SESSION (object);

  g_queue_clear_full (&self->in_blocks, (GDestroyNotify) g_bytes_unref);
  g_queue_clear_full (&self->deferred, (GDestroyNotify) ja_xml_node_free);
  g_clear_error (&self->error);
  g_free (self->peer);
  g_free (self->sid);
  G_OBJECT_CLASS (ja_ibb_session_parent_class)->finalize (object);
}

static void
ja_ibb_session_class_init (JaIbbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *io_class = G_IO_STREAM_CLASS (klass);

  object_class->dispose = ja_ibb_session_dispose;
  object_class->finalize = ja_ibb_session_finalize;
  io_class->get_input_stream = get_input_stream;
  io_class->get_output_stream = get_output_stream;
  io_class->close_fn = close_fn;
  io_class->close_async = close_async;
  io_class->close_finish = close_finish;
}

static void
ja_ibb_session_init (JaIbbSession *self)
{
  g_queue_init (&self->in_blocks);
  g_queue_init (&self->deferred);
  self->window = JA_IBB_DEFAULT_WINDOW;
  self->receive_limit = JA_IBB_DEFAULT_RECEIVE_BUFFER;
}

JaIbbSession *
ja_ibb_session_new (JaIbbManager *manager, const char *peer, const char *sid,
    guint16 block_size)
{
  JaIbbSession *self = g_object_new (JA_TYPE_IBB_SESSION, NULL);

  self->manager = g_object_ref (manager);
  self->stream = ja_ibb_manager_get_stream (manager);
  self->peer = g_strdup (peer);
  self->sid = g_strdup (sid);
  self->block_size = block_size;
  self->input = ja_ibb_input_stream_new (self);
  self->output = ja_ibb_output_stream_new (self);
  ja_ibb_session_set_window (self, ja_ibb_manager_get_window (manager));
  ja_ibb_session_set_receive_buffer (self,
      ja_ibb_manager_get_receive_buffer (manager));
  ja_ibb_manager_add_session (manager, self);
  self->registered = TRUE;
  g_info ("ibb %s: open with %s, block-size %u", sid, peer, block_size);
  return self;
}

/* ---- accessors ---------------------------------------------------------- */

const char *
ja_ibb_session_get_sid (JaIbbSession *self)
{
  return self->sid;
}

const char *
ja_ibb_session_get_peer (JaIbbSession *self)
{
  return self->peer;
}

guint16
ja_ibb_session_get_block_size (JaIbbSession *self)
{
  return self->block_size;
}

void
ja_ibb_session_set_window (JaIbbSession *self, guint window)
{
  self->window = CLAMP (window, 1, JA_IBB_MAX_WINDOW);
}

guint
ja_ibb_session_get_window (JaIbbSession *self)
{
  return self->window;
}

void
ja_ibb_session_set_receive_buffer (JaIbbSession *self, gsize bytes)
{
  self->receive_limit = MAX (bytes, self->block_size);
  if (self->buffered <= self->receive_limit)
    flush_acks (self);
}

gsize
ja_ibb_session_get_unacked_bytes (JaIbbSession *self)
{
  return self->unacked;
}

gsize
ja_ibb_session_get_max_unacked_bytes (JaIbbSession *self)
{
  return self->max_unacked;
}

gsize
ja_ibb_session_get_buffered_bytes (JaIbbSession *self)
{
  return self->buffered;
}

gsize
ja_ibb_session_get_max_buffered_bytes (JaIbbSession *self)
{
  return self->max_buffered;
}

void
ja_ibb_session_corrupt_next_block (JaIbbSession *self, JaIbbCorruption kind)
{
  self->corrupt = kind;
}
