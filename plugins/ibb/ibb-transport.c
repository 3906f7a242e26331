/* ibb-transport.c — XEP-0261 Jingle In-Band Bytestreams Transport Method:
 * <transport xmlns='urn:xmpp:jingle:transports:ibb:1' block-size sid/>
 * (§2). The responder may lower block-size in its answer and the initiator
 * adopts the smaller value (§2, "the responder MAY ... specify a smaller
 * block-size"). Once the session is accepted the session initiator opens the
 * XEP-0047 bytestream and the responder waits for that <open/> (§2). The
 * transport owns the opened JaIbbSession until the content frees it; the
 * channel it hands to the application holds its own reference. */
#include "plugins/ibb/ibb-transport.h"

#include <string.h>
#include <gnutls/crypto.h>

#include "plugins/ibb/ibb-codec.h"
#include "signalling/jingle/jingle-content.h"
#include "signalling/xmpp/ns.h"

#define MANAGER_KEY "ja-ibb-manager"

typedef struct {
  JaJingleTransport parent;
  char *sid;
  guint16 block_size;
  GCancellable *cancellable;   /* the pending open/accept */
  gboolean connecting;
  guint timeout_id;            /* responder: waiting for <open/> */
} IbbTransport;

/* ---- per-stream manager ------------------------------------------------- */

JaIbbManager *
ja_ibb_transport_ensure_manager (JaXmppStream *stream)
{
  JaIbbManager *mgr = g_object_get_data (G_OBJECT (stream), MANAGER_KEY);

  if (mgr == NULL) {
    mgr = ja_ibb_manager_new (stream);
    g_object_set_data_full (G_OBJECT (stream), MANAGER_KEY, mgr,
        g_object_unref);
  }
  return mgr;
}

void
ja_ibb_transport_drop_manager (JaXmppStream *stream)
{
  g_object_set_data (G_OBJECT (stream), MANAGER_KEY, NULL);
}

/* ---- codec -------------------------------------------------------------- */

static gboolean
valid_sid (const char *sid)
{
  gsize len = sid != NULL ? strlen (sid) : 0;

  if (len == 0 || len > JA_IBB_MAX_SID_LEN)
    return FALSE;
  /* An NMTOKEN in practice (XEP-0047 §2.1): no spaces or controls. */
  for (gsize i = 0; i < len; i++) {
    guchar ch = (guchar) sid[i];

    if (ch <= ' ' || ch == 0x7f)
      return FALSE;
  }
  return TRUE;
}

gboolean
ja_ibb_transport_parse (const JaXmlNode *transport, char **sid,
    guint16 *block_size, GError **error)
{
  const char *s = ja_xml_node_get_attr (transport, "sid");
  const char *bs = ja_xml_node_get_attr (transport, "block-size");
  guint64 v = 0;

  if (!valid_sid (s)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "IBB transport without a valid sid");
    return FALSE;
  }
  if (bs == NULL || !g_ascii_string_to_unsigned (bs, 10, 1,
          JA_IBB_MAX_BLOCK_SIZE, &v, NULL)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "IBB transport %s: missing or invalid block-size", s);
    return FALSE;
  }
  *sid = g_strdup (s);
  *block_size = (guint16) v;
  return TRUE;
}

/* ---- the kind ----------------------------------------------------------- */

static JaJingleTransport *
ibb_new_local (JaJingleContent *c, guint n_components, GError **error)
{
  IbbTransport *self;
  guint8 raw[12];
  GString *sid;

  /* XEP-0261 §2: the sid identifies the bytestream; make it unguessable so
   * a third party cannot open it (only the expected peer may, anyway). */
  if (gnutls_rnd (GNUTLS_RND_NONCE, raw, sizeof raw) != 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "no random bytes for an IBB sid");
    return NULL;
  }
  sid = g_string_new ("ibb-");
  for (gsize i = 0; i < sizeof raw; i++)
    g_string_append_printf (sid, "%02x", raw[i]);
  self = g_new0 (IbbTransport, 1);
  self->sid = g_string_free (sid, FALSE);
  self->block_size = JA_IBB_TRANSPORT_DEFAULT_BLOCK_SIZE;
  return &self->parent;
}

static JaJingleTransport *
ibb_new_remote (JaJingleContent *c, const JaXmlNode *transport,
    GError **error)
{
  IbbTransport *self;
  g_autofree char *sid = NULL;
  guint16 bs;

  if (!ja_ibb_transport_parse (transport, &sid, &bs, error))
    return NULL;
  self = g_new0 (IbbTransport, 1);
  self->sid = g_steal_pointer (&sid);
  /* We answer with what we accept: at most our own default. */
  self->block_size = MIN (bs, JA_IBB_TRANSPORT_DEFAULT_BLOCK_SIZE);
  return &self->parent;
}

static void
ibb_free (JaJingleTransport *tp)
{
  IbbTransport *self = (IbbTransport *) tp;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL) {
    g_cancellable_cancel (self->cancellable);
    g_object_unref (self->cancellable);
  }
  g_free (self->sid);
  g_free (self);
}

static JaXmlNode *
ibb_build (JaJingleTransport *tp, JaJingleAction action)
{
  IbbTransport *self = (IbbTransport *) tp;
  JaXmlNode *node = ja_xml_node_new ("transport", JA_NS_JINGLE_IBB);
  char bs[8];

  g_snprintf (bs, sizeof bs, "%u", self->block_size);
  ja_xml_node_set_attr (node, "block-size", bs);
  ja_xml_node_set_attr (node, "sid", self->sid);
  return node;
}

static gboolean
ibb_accept_remote (JaJingleTransport *tp, const JaXmlNode *transport,
    GError **error)
{
  IbbTransport *self = (IbbTransport *) tp;
  g_autofree char *sid = NULL;
  guint16 bs;

  if (transport == NULL)
    return TRUE;    /* an answer without <transport/>: ours stands */
  if (!ja_ibb_transport_parse (transport, &sid, &bs, error))
    return FALSE;
  if (!g_str_equal (sid, self->sid)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "IBB transport answered with sid %s instead of %s", sid, self->sid);
    return FALSE;
  }
  self->block_size = MIN (self->block_size, bs);
  return TRUE;
}

/* The stream of the content's signalling, or NULL (a fake). */
static JaXmppStream *
content_stream (JaJingleContent *c)
{
  JaJingleSignalling *sig = ja_jingle_content_get_signalling (c);

  return sig != NULL ? ja_jingle_signalling_get_stream (sig) : NULL;
}

typedef struct {
  JaJingleContent *content;    /* valid while cancellable is not cancelled */
  GCancellable *cancellable;
  gboolean opener;
} Connect;

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Connect *cn = user_data;
  JaIbbManager *mgr = JA_IBB_MANAGER (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaIbbSession) session = NULL;
  g_autoptr (JaJingleChannel) channel = NULL;
  IbbTransport *tp;

  if (cn->opener)
    session = ja_ibb_manager_open_finish (mgr, res, &error);
  else
    session = ja_ibb_manager_accept_finish (mgr, res, &error);
  if (g_cancellable_is_cancelled (cn->cancellable)) {
    /* The transport is gone: nobody to tell; drop the bytestream. */
    if (session != NULL)
      g_io_stream_close (G_IO_STREAM (session), NULL, NULL);
    goto out;
  }
  tp = (IbbTransport *) ja_jingle_content_get_transport (cn->content);
  tp->connecting = FALSE;
  g_clear_handle_id (&tp->timeout_id, g_source_remove);
  if (session == NULL) {
    g_prefix_error (&error, "IBB bytestream: ");
    ja_jingle_content_transport_failed (cn->content, error);
    goto out;
  }
  g_info ("content %s/%s: IBB bytestream %s open, block-size %u",
      ja_jingle_content_get_sid (cn->content),
      ja_jingle_content_get_name (cn->content),
      ja_ibb_session_get_sid (session),
      ja_ibb_session_get_block_size (session));
  channel = ja_jingle_channel_new_stream (G_IO_STREAM (session));
  ja_jingle_content_transport_ready (cn->content, channel);
out:
  g_object_unref (cn->cancellable);
  g_free (cn);
}

/* The initiator never opened the bytestream: stop expecting it (the
 * pending accept then completes as cancelled, for a transport that is no
 * longer waiting) and fail, so that the engine ends or replaces it. */
static gboolean
open_timeout_cb (gpointer user_data)
{
  IbbTransport *self = user_data;
  g_autoptr (GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
      "IBB bytestream %s: no <open/> from the peer within %u s", self->sid,
      JA_IBB_TRANSPORT_OPEN_TIMEOUT_MS / 1000);

  self->timeout_id = 0;
  self->connecting = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  ja_jingle_content_transport_failed (self->parent.content, error);
  return G_SOURCE_REMOVE;
}

static void
ibb_connect (JaJingleTransport *tp)
{
  IbbTransport *self = (IbbTransport *) tp;
  JaJingleContent *c = tp->content;
  JaXmppStream *stream = content_stream (c);
  JaIbbManager *mgr;
  Connect *cn;

  if (self->connecting)
    return;
  if (stream == NULL) {
    g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR,
        G_IO_ERROR_NOT_SUPPORTED, "IBB needs an XMPP stream");

    ja_jingle_content_transport_failed (c, error);
    return;
  }
  mgr = ja_ibb_transport_ensure_manager (stream);
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  self->connecting = TRUE;
  cn = g_new0 (Connect, 1);
  cn->content = c;
  cn->cancellable = g_object_ref (self->cancellable);
  /* XEP-0261 §2: the session initiator sends the IBB <open/>. */
  cn->opener = ja_jingle_content_get_local_role (c) == JA_JINGLE_ROLE_INITIATOR;
  if (cn->opener)
    ja_ibb_manager_open_async (mgr, ja_jingle_content_get_peer (c), self->sid,
        self->block_size, self->cancellable, connected_cb, cn);
  else {
    ja_ibb_manager_accept_async (mgr, ja_jingle_content_get_peer (c),
        self->sid, self->block_size, self->cancellable, connected_cb, cn);
    self->timeout_id = g_timeout_add (JA_IBB_TRANSPORT_OPEN_TIMEOUT_MS,
        open_timeout_cb, self);
  }
}

const JaJingleTransportKind ja_ibb_transport_kind = {
  .api = JA_JINGLE_PLUGIN_API,
  .ns = JA_NS_JINGLE_IBB,
  .flavor = JA_JINGLE_FLAVOR_STREAMING,
  .priority = 10,                   /* last resort after s5b */
  .new_local = ibb_new_local,
  .new_remote = ibb_new_remote,
  .free = ibb_free,
  .build = ibb_build,
  .accept_remote = ibb_accept_remote,
  .connect = ibb_connect,           /* no handle_info: IBB has no candidates */
};
