/* jingle-signalling.c — JaJingleSignalling over a JaXmppStream: a thin
 * adapter, so that the engine's only view of XMPP is jingle-signalling.h. */
#include "signalling/jingle/jingle-signalling.h"

typedef struct {
  JaJingleSignalling parent;
  JaXmppStream *stream;
} StreamSignalling;

typedef struct {
  JaJingleIqCallback callback;
  gpointer user_data;
} IqCall;

static void
iq_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  IqCall *call = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) reply = NULL;

  reply = ja_xmpp_stream_iq_finish (JA_XMPP_STREAM (source), res, &error);
  if (call->callback != NULL)
    call->callback (reply, error, call->user_data);
  g_free (call);
}

static void
stream_send_iq (JaJingleSignalling *sig, JaXmlNode *iq,
    JaJingleIqCallback callback, gpointer user_data)
{
  StreamSignalling *self = (StreamSignalling *) sig;
  IqCall *call = g_new0 (IqCall, 1);

  call->callback = callback;
  call->user_data = user_data;
  ja_xmpp_stream_iq_async (self->stream, iq, NULL, iq_done_cb, call);
}

static void
stream_reply (JaJingleSignalling *sig, const JaXmlNode *iq, JaXmlNode *result)
{
  ja_xmpp_stream_reply (((StreamSignalling *) sig)->stream, iq, result);
}

static void
stream_reply_error (JaJingleSignalling *sig, const JaXmlNode *iq,
    const GError *error)
{
  ja_xmpp_stream_reply_error (((StreamSignalling *) sig)->stream, iq, error);
}

static const char *
stream_own_jid (JaJingleSignalling *sig)
{
  return ja_xmpp_stream_get_bound_jid (((StreamSignalling *) sig)->stream);
}

static guint
stream_add_iq_handler (JaJingleSignalling *sig, const char *name,
    const char *ns, JaXmppIqHandler handler, gpointer user_data)
{
  return ja_xmpp_stream_add_iq_handler (((StreamSignalling *) sig)->stream,
      name, ns, handler, user_data);
}

static void
stream_remove_handler (JaJingleSignalling *sig, guint id)
{
  ja_xmpp_stream_remove_handler (((StreamSignalling *) sig)->stream, id);
}

static void
stream_add_feature (JaJingleSignalling *sig, const char *feature)
{
  ja_xmpp_stream_add_feature (((StreamSignalling *) sig)->stream, feature);
}

static void
stream_free (JaJingleSignalling *sig)
{
  StreamSignalling *self = (StreamSignalling *) sig;

  g_clear_object (&self->stream);
  g_free (self);
}

static JaXmppStream *
stream_get_stream (JaJingleSignalling *sig)
{
  return ((StreamSignalling *) sig)->stream;
}

static const JaJingleSignallingOps stream_ops = {
  .send_iq = stream_send_iq,
  .reply = stream_reply,
  .reply_error = stream_reply_error,
  .own_jid = stream_own_jid,
  .add_iq_handler = stream_add_iq_handler,
  .remove_handler = stream_remove_handler,
  .add_feature = stream_add_feature,
  .free = stream_free,
  .get_stream = stream_get_stream,
};

JaJingleSignalling *
ja_jingle_signalling_new_for_stream (JaXmppStream *stream)
{
  StreamSignalling *self;

  g_return_val_if_fail (JA_IS_XMPP_STREAM (stream), NULL);
  self = g_new0 (StreamSignalling, 1);
  self->parent.ops = &stream_ops;
  self->stream = g_object_ref (stream);
  return &self->parent;
}

void
ja_jingle_signalling_free (JaJingleSignalling *sig)
{
  if (sig != NULL)
    sig->ops->free (sig);
}

void
ja_jingle_signalling_send_iq (JaJingleSignalling *sig, JaXmlNode *iq,
    JaJingleIqCallback callback, gpointer user_data)
{
  sig->ops->send_iq (sig, iq, callback, user_data);
}

void
ja_jingle_signalling_reply (JaJingleSignalling *sig, const JaXmlNode *iq,
    JaXmlNode *result)
{
  sig->ops->reply (sig, iq, result);
}

void
ja_jingle_signalling_reply_error (JaJingleSignalling *sig,
    const JaXmlNode *iq, const GError *error)
{
  sig->ops->reply_error (sig, iq, error);
}

const char *
ja_jingle_signalling_get_own_jid (JaJingleSignalling *sig)
{
  return sig->ops->own_jid (sig);
}

guint
ja_jingle_signalling_add_iq_handler (JaJingleSignalling *sig,
    const char *name, const char *ns, JaXmppIqHandler handler,
    gpointer user_data)
{
  return sig->ops->add_iq_handler (sig, name, ns, handler, user_data);
}

void
ja_jingle_signalling_remove_handler (JaJingleSignalling *sig, guint id)
{
  sig->ops->remove_handler (sig, id);
}

void
ja_jingle_signalling_add_feature (JaJingleSignalling *sig,
    const char *feature)
{
  if (sig->ops->add_feature != NULL)
    sig->ops->add_feature (sig, feature);
}

JaXmppStream *
ja_jingle_signalling_get_stream (JaJingleSignalling *sig)
{
  if (sig->ops->get_stream == NULL)
    return NULL;
  return sig->ops->get_stream (sig);
}
