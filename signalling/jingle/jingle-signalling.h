/* jingle-signalling.h — the little the Jingle engine needs from an XMPP
 * stream, as a vtable so the engine runs without a network in unit tests:
 * send an IQ set and hear its answer, reply to an incoming IQ, register the
 * <jingle/> IQ handler, know our own JID. One implementation wraps
 * JaXmppStream (here); tests bring a fake. An implementation embeds
 * JaJingleSignalling as its first member. */
#pragma once

#include "signalling/xmpp/xmpp-stream.h"

G_BEGIN_DECLS

typedef struct _JaJingleSignalling JaJingleSignalling;

/* The answer to an IQ we sent: result (borrowed) on success, else error
 * (borrowed; JA_XMPP_ERROR for an error reply, or a stream/timeout error).
 * Called exactly once, never from inside send_iq. */
typedef void (*JaJingleIqCallback) (const JaXmlNode *result,
    const GError *error, gpointer user_data);

typedef struct {
  /* iq (transfer full) is a type='set' with 'to'; the implementation sets
   * the id. callback may be NULL. */
  void (*send_iq) (JaJingleSignalling *sig, JaXmlNode *iq,
      JaJingleIqCallback callback, gpointer user_data);
  /* Replies to an incoming request (borrowed); result nullable. */
  void (*reply) (JaJingleSignalling *sig, const JaXmlNode *iq,
      JaXmlNode *result);
  void (*reply_error) (JaJingleSignalling *sig, const JaXmlNode *iq,
      const GError *error);
  /* Our full JID (borrowed), NULL while unbound. */
  const char *(*own_jid) (JaJingleSignalling *sig);
  /* Same contract as ja_xmpp_stream_add_iq_handler(). */
  guint (*add_iq_handler) (JaJingleSignalling *sig, const char *name,
      const char *ns, JaXmppIqHandler handler, gpointer user_data);
  void (*remove_handler) (JaJingleSignalling *sig, guint id);
  /* Optional: advertise a disco feature. */
  void (*add_feature) (JaJingleSignalling *sig, const char *feature);
  void (*free) (JaJingleSignalling *sig);
  /* Optional: the client stream underneath, for plugins that keep
   * per-stream state (e.g. the IBB manager). (transfer none) */
  JaXmppStream *(*get_stream) (JaJingleSignalling *sig);
} JaJingleSignallingOps;

struct _JaJingleSignalling {
  const JaJingleSignallingOps *ops;
};

/* The implementation over a client stream (keeps a reference on it).
 * (transfer full) */
JaJingleSignalling *ja_jingle_signalling_new_for_stream (JaXmppStream *stream);

void ja_jingle_signalling_free (JaJingleSignalling *sig);

/* Wrappers over the ops (add_feature may be NULL: then a no-op). */
void ja_jingle_signalling_send_iq (JaJingleSignalling *sig, JaXmlNode *iq,
    JaJingleIqCallback callback, gpointer user_data);
void ja_jingle_signalling_reply (JaJingleSignalling *sig, const JaXmlNode *iq,
    JaXmlNode *result);
void ja_jingle_signalling_reply_error (JaJingleSignalling *sig,
    const JaXmlNode *iq, const GError *error);
const char *ja_jingle_signalling_get_own_jid (JaJingleSignalling *sig);
guint ja_jingle_signalling_add_iq_handler (JaJingleSignalling *sig,
    const char *name, const char *ns, JaXmppIqHandler handler,
    gpointer user_data);
void ja_jingle_signalling_remove_handler (JaJingleSignalling *sig, guint id);
void ja_jingle_signalling_add_feature (JaJingleSignalling *sig,
    const char *feature);
/* The stream underneath (transfer none), NULL when the implementation has
 * none (get_stream absent, e.g. the unit tests' fake). */
JaXmppStream *ja_jingle_signalling_get_stream (JaJingleSignalling *sig);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaJingleSignalling, ja_jingle_signalling_free)

G_END_DECLS
