/* ibb-manager.c — XEP-0047 In-Band Bytestreams on one JaXmppStream: the IQ
 * handlers for <open/> (§2.1), <data/> (§2.2) and <close/> (§2.3), the
 * registry of live sessions by (peer full JID, sid) and the responders'
 * expectations. Holds the stream; sessions hold the manager, which knows
 * them only by unowned pointers (each session removes itself). */
#include "plugins/ibb/ibb-session-private.h"

#include "plugins/ibb/ibb-codec.h"
#include "signalling/xmpp/ns.h"

/* Expected <open/>s a responder may have pending: bounded like any table a
 * peer's behaviour can grow (here it is only our own callers). */
#define MAX_EXPECTED 256

typedef struct {
  JaIbbManager *manager;      /* unowned */
  char *peer;
  char *sid;
  guint16 max_block_size;
  GTask *task;                /* owned */
  GSource *cancel;            /* owned, or NULL */
} Expect;

struct _JaIbbManager {
  GObject parent;

  JaXmppStream *stream;
  guint handler_ids[3];
  GHashTable *sessions;       /* "peer\nsid" → JaIbbSession* (unowned) */
  GHashTable *expected;       /* "peer\nsid" → Expect* (owned) */
  guint window;
  gsize receive_buffer;
};

G_DEFINE_FINAL_TYPE (JaIbbManager, ja_ibb_manager, G_TYPE_OBJECT)

static char *
make_key (const char *peer, const char *sid)
{
  return g_strconcat (peer, "\n", sid, NULL);
}

static void
expect_free (gpointer data)
{
  Expect *e = data;

  if (e->cancel != NULL) {
    g_source_destroy (e->cancel);
    g_source_unref (e->cancel);
  }
  if (e->task != NULL) {
    g_task_return_new_error (e->task, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "ibb %s: no longer expected", e->sid);
    g_object_unref (e->task);
  }
  g_free (e->peer);
  g_free (e->sid);
  g_free (e);
}

/* ---- IQ handlers -------------------------------------------------------- */

static JaIbbSession *
lookup_session (JaIbbManager *self, const char *from, const char *sid,
    GError **error)
{
  g_autofree char *key = NULL;
  JaIbbSession *session;

  if (from != NULL) {
    key = make_key (from, sid);
    session = g_hash_table_lookup (self->sessions, key);
    if (session != NULL)
      return session;
  }
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_ITEM_NOT_FOUND,
      "no IBB session %s", sid);
  return NULL;
}

static gboolean
handle_open (const JaXmlNode *iq, JaXmlNode **result, gboolean *deferred,
    gpointer user_data, GError **error)
{
  JaIbbManager *self = user_data;
  const JaXmlNode *node = ja_xml_node_get_child (iq, 0);
  const char *from = ja_xml_node_get_attr (iq, "from");
  g_autoptr (JaIbbOpen) open = ja_ibb_open_parse (node, JA_IBB_MAX_BLOCK_SIZE,
      error);
  g_autofree char *key = NULL;
  JaIbbSession *session;
  Expect *e;
  GTask *task;

  if (open == NULL)
    return FALSE;
  if (from != NULL)
    key = make_key (from, open->sid);
  e = key != NULL ? g_hash_table_lookup (self->expected, key) : NULL;
  /* XEP-0047 §2.1: an unexpected session is one we "do not wish to
   * proceed with"; the same answer for a wrong peer reveals nothing. */
  if (e == NULL || g_hash_table_contains (self->sessions, key)) {
    g_debug ("ibb %s: unexpected <open/> from %s", open->sid,
        from ? from : "(none)");
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "ibb %s: not expected", open->sid);
    return FALSE;
  }
  if (open->block_size > e->max_block_size) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_RESOURCE_CONSTRAINT,
        "ibb %s: block-size %u, at most %u accepted", open->sid,
        open->block_size, e->max_block_size);
    return FALSE;
  }
  task = g_steal_pointer (&e->task);
  g_hash_table_remove (self->expected, key);
  session = ja_ibb_session_new (self, from, open->sid, open->block_size);
  /* Answer before the caller hears of the session, so that whatever it
   * sends follows our result on the wire. */
  *deferred = TRUE;
  ja_xmpp_stream_reply (self->stream, iq, NULL);
  g_task_return_pointer (task, session, g_object_unref);
  g_object_unref (task);
  return TRUE;
}

static gboolean
handle_data (const JaXmlNode *iq, JaXmlNode **result, gboolean *deferred,
    gpointer user_data, GError **error)
{
  JaIbbManager *self = user_data;
  const JaXmlNode *node = ja_xml_node_get_child (iq, 0);
  JaIbbSession *session;
  const char *sid;
  guint16 seq;

  if (!ja_ibb_data_parse (node, &sid, &seq, error))
    return FALSE;
  session = lookup_session (self, ja_xml_node_get_attr (iq, "from"), sid,
      error);
  if (session == NULL)
    return FALSE;
  return ja_ibb_session_handle_data (session, iq, node, deferred, error);
}

static gboolean
handle_close (const JaXmlNode *iq, JaXmlNode **result, gboolean *deferred,
    gpointer user_data, GError **error)
{
  JaIbbManager *self = user_data;
  const JaXmlNode *node = ja_xml_node_get_child (iq, 0);
  JaIbbSession *session;
  const char *sid;

  if (!ja_ibb_close_parse (node, &sid, error))
    return FALSE;
  session = lookup_session (self, ja_xml_node_get_attr (iq, "from"), sid,
      error);
  if (session == NULL)
    return FALSE;
  ja_ibb_session_handle_close (session);
  return TRUE;
}

/* ---- opening ------------------------------------------------------------ */

typedef struct {
  char *peer;
  char *sid;
  guint16 block_size;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *d = data;

  g_free (d->peer);
  g_free (d->sid);
  g_free (d);
}

static void
opened_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  JaIbbManager *self = g_task_get_source_object (task);
  OpenData *d = g_task_get_task_data (task);
  g_autoptr (JaXmlNode) reply = NULL;
  g_autofree char *key = make_key (d->peer, d->sid);
  GError *error = NULL;

  reply = ja_xmpp_stream_iq_finish (JA_XMPP_STREAM (source), res, &error);
  if (reply == NULL) {
    g_prefix_error (&error, "ibb %s: %s refused the bytestream: ", d->sid,
        d->peer);
    g_task_return_error (task, error);
    return;
  }
  if (g_hash_table_contains (self->sessions, key)) {
    g_task_return_new_error (task, JA_XMPP_ERROR, JA_XMPP_ERROR_CONFLICT,
        "ibb %s: a session with %s already exists", d->sid, d->peer);
    return;
  }
  g_task_return_pointer (task,
      ja_ibb_session_new (self, d->peer, d->sid, d->block_size),
      g_object_unref);
}

void
ja_ibb_manager_open_async (JaIbbManager *self, const char *peer,
    const char *sid, guint16 block_size, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  OpenData *d;
  JaXmlNode *iq;

  g_return_if_fail (peer != NULL && ja_ibb_sid_is_valid (sid));
  g_return_if_fail (block_size > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  d = g_new0 (OpenData, 1);
  g_task_set_source_tag (task, ja_ibb_manager_open_async);
  d->peer = g_strdup (peer);
  d->sid = g_strdup (sid);
  d->block_size = block_size;
  g_task_set_task_data (task, d, open_data_free);
  iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_set_attr (iq, "to", peer);
  ja_xml_node_add_child (iq, ja_ibb_open_build (sid, block_size));
  ja_xmpp_stream_iq_async (self->stream, iq, cancellable, opened_cb, task);
}

JaIbbSession *
ja_ibb_manager_open_finish (JaIbbManager *self, GAsyncResult *res,
    GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* ---- accepting ---------------------------------------------------------- */

static gboolean
accept_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  Expect *e = user_data;
  g_autofree char *key = make_key (e->peer, e->sid);
  GTask *task = g_steal_pointer (&e->task);

  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  g_hash_table_remove (e->manager->expected, key);
  return G_SOURCE_REMOVE;
}

void
ja_ibb_manager_accept_async (JaIbbManager *self, const char *peer,
    const char *sid, guint16 max_block_size, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  char *key;
  Expect *e;

  g_return_if_fail (peer != NULL && ja_ibb_sid_is_valid (sid));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ja_ibb_manager_accept_async);
  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }
  key = make_key (peer, sid);
  if (g_hash_table_contains (self->expected, key)
      || g_hash_table_size (self->expected) >= MAX_EXPECTED) {
    g_free (key);
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
        "ibb %s: already expected, or too many expected", sid);
    g_object_unref (task);
    return;
  }
  e = g_new0 (Expect, 1);
  e->manager = self;
  e->peer = g_strdup (peer);
  e->sid = g_strdup (sid);
  e->max_block_size = max_block_size;
  e->task = task;
  if (cancellable != NULL) {
    e->cancel = g_cancellable_source_new (cancellable);
    g_source_set_callback (e->cancel, G_SOURCE_FUNC (accept_cancelled_cb), e,
        NULL);
    g_source_attach (e->cancel, g_task_get_context (task));
  }
  g_hash_table_insert (self->expected, key, e);
}

JaIbbSession *
ja_ibb_manager_accept_finish (JaIbbManager *self, GAsyncResult *res,
    GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* ---- registry ----------------------------------------------------------- */

void
ja_ibb_manager_add_session (JaIbbManager *self, JaIbbSession *session)
{
  g_hash_table_insert (self->sessions,
      make_key (ja_ibb_session_get_peer (session),
          ja_ibb_session_get_sid (session)), session);
}

void
ja_ibb_manager_remove_session (JaIbbManager *self, JaIbbSession *session)
{
  g_autofree char *key = make_key (ja_ibb_session_get_peer (session),
      ja_ibb_session_get_sid (session));

  if (g_hash_table_lookup (self->sessions, key) == session)
    g_hash_table_remove (self->sessions, key);
}

/* ---- object ------------------------------------------------------------- */

static void
ja_ibb_manager_dispose (GObject *object)
{
  JaIbbManager *self = JA_IBB_MANAGER (object);

  if (self->stream != NULL) {
    for (guint i = 0; i < G_N_ELEMENTS (self->handler_ids); i++)
      ja_xmpp_stream_remove_handler (self->stream, self->handler_ids[i]);
  }
  if (self->expected != NULL)
    g_hash_table_remove_all (self->expected);
  g_clear_object (&self->stream);
  G_OBJECT_CLASS (ja_ibb_manager_parent_class)->dispose (object);
}

static void
ja_ibb_manager_finalize (GObject *object)
{
  JaIbbManager *self = JA_IBB_MANAGER (object);

  g_hash_table_unref (self->sessions);
  g_hash_table_unref (self->expected);
  G_OBJECT_CLASS (ja_ibb_manager_parent_class)->finalize (object);
}

static void
ja_ibb_manager_class_init (JaIbbManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ja_ibb_manager_dispose;
  object_class->finalize = ja_ibb_manager_finalize;
}

static void
ja_ibb_manager_init (JaIbbManager *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  self->expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      expect_free);
  self->window = JA_IBB_DEFAULT_WINDOW;
  self->receive_buffer = JA_IBB_DEFAULT_RECEIVE_BUFFER;
}

JaIbbManager *
ja_ibb_manager_new (JaXmppStream *stream)
{
  JaIbbManager *self = g_object_new (JA_TYPE_IBB_MANAGER, NULL);

  self->stream = g_object_ref (stream);
  self->handler_ids[0] = ja_xmpp_stream_add_iq_handler (stream, "open",
      JA_NS_IBB, handle_open, self);
  self->handler_ids[1] = ja_xmpp_stream_add_iq_handler (stream, "data",
      JA_NS_IBB, handle_data, self);
  self->handler_ids[2] = ja_xmpp_stream_add_iq_handler (stream, "close",
      JA_NS_IBB, handle_close, self);
  ja_xmpp_stream_add_feature (stream, JA_NS_IBB);
  return self;
}

JaXmppStream *
ja_ibb_manager_get_stream (JaIbbManager *self)
{
  return self->stream;
}

void
ja_ibb_manager_set_window (JaIbbManager *self, guint window)
{
  self->window = CLAMP (window, 1, JA_IBB_MAX_WINDOW);
}

guint
ja_ibb_manager_get_window (JaIbbManager *self)
{
  return self->window;
}

void
ja_ibb_manager_set_receive_buffer (JaIbbManager *self, gsize bytes)
{
  self->receive_buffer = bytes;
}

gsize
ja_ibb_manager_get_receive_buffer (JaIbbManager *self)
{
  return self->receive_buffer;
}
