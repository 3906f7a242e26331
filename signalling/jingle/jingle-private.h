/* jingle-private.h — internals shared by jingle-session.c, jingle-content.c
 * and jingle-manager.c; nothing outside signalling/jingle includes it. */
#pragma once

#include "signalling/jingle/jingle-content.h"
#include "signalling/jingle/jingle-manager.h"
#include "signalling/jingle/jingle-registry.h"
#include "signalling/jingle/jingle-session.h"

G_BEGIN_DECLS

struct _JaJingleContent {
  JaJingleSession *session;          /* unowned: the session owns us */
  char *name;
  JaJingleRole creator;
  JaJingleSenders senders;
  char *disposition;                 /* NULL: "session" */
  gboolean accepted;
  gboolean added;                    /* came with content-add (either side) */
  gboolean finished;
  JaJingleReason finish_reason;
  const JaJingleAppKind *app_kind;
  JaJingleApp *app;
  JaJingleTransport *transport;
  JaJingleTransport *replacement;    /* our transport-replace, unanswered */
  GPtrArray *tried;                  /* const JaJingleTransportKind* */
  JaXmlNode *security;
  JaJingleChannel *channel;
};

/* ---- content (jingle-content.c) ----------------------------------------- */

JaJingleContent *ja_jingle_content_new (JaJingleSession *session,
    JaJingleRole creator, const char *name);
void ja_jingle_content_free (JaJingleContent *c);
/* transport_ns NULL: the best transport of the app's flavor. Errors:
 * JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS / _TRANSPORTS, or the plugin's. */
gboolean ja_jingle_content_init_local (JaJingleContent *c, const char *app_ns,
    const char *transport_ns, const JaJingleAppOptions *opts, GError **error);
/* Same errors; a plugin parse failure is the plugin's (bad-request). */
gboolean ja_jingle_content_check_remote (JaJingleRegistry *reg,
    const JaJingleMessageContent *mc, GError **error);
gboolean ja_jingle_content_init_remote (JaJingleContent *c,
    const JaJingleMessageContent *mc, GError **error);
/* Adds this content to msg; description/transport built for msg->action
 * when asked. */
JaJingleMessageContent *ja_jingle_content_to_message (JaJingleContent *c,
    JaJingleMessage *msg, gboolean description, gboolean transport);
void ja_jingle_content_connect (JaJingleContent *c);
/* Stop the app and free the plugin state (the session ended or the content
 * was removed). */
void ja_jingle_content_shutdown (JaJingleContent *c, JaJingleReason reason);

/* Peer transport actions, after the IQ was validated and acked. */
void ja_jingle_content_peer_transport_replace (JaJingleContent *c,
    const JaXmlNode *transport);
void ja_jingle_content_peer_transport_accept (JaJingleContent *c,
    const JaXmlNode *transport);
void ja_jingle_content_peer_transport_reject (JaJingleContent *c);
/* Our transport-replace was answered with an error. */
void ja_jingle_content_replace_failed (JaJingleContent *c, gboolean tie_break);
/* The peer overruled our transport-replace (we are the responder). */
void ja_jingle_content_drop_replacement (JaJingleContent *c);

/* ---- session (jingle-session.c, jingle-session-actions.c) --------------- */

struct _JaJingleSession {
  GObject parent;
  JaJingleManager *manager;     /* unowned; NULL once detached */
  JaJingleRegistry *registry;
  char *sid;
  char *peer;
  JaJingleRole role;            /* ours */
  JaJingleState state;
  GPtrArray *contents;          /* JaJingleContent* (owned) */
  GPtrArray *pending;           /* Request*: our IQs awaiting an answer */
  guint accept_timeout_ms;
  guint timeout_id;
  JaJingleReason end_reason;
  /* Session-level extras (e.g. an XEP-0338 <group/>), the latest of each
   * side: session-initiate/-accept set them, a content-add/-accept that
   * carries one of the same name replaces it. */
  GPtrArray *peer_payloads;     /* JaXmlNode* */
  GPtrArray *own_payloads;      /* JaXmlNode*: ours for initiate/accept */
  GPtrArray *next_payloads;     /* JaXmlNode*: ours for the next
                                   content-add / content-accept we send */
};

/* The only place the state changes; logs the transition. */
void ja_jingle_session_set_state (JaJingleSession *self, JaJingleState state);
void ja_jingle_session_end_full (JaJingleSession *self, JaJingleReason reason,
    const char *text, gboolean send, gboolean by_peer);
/* Removes and frees a content (notify: emit "content-removed" first). */
void ja_jingle_session_drop_content (JaJingleSession *self,
    JaJingleContent *c, JaJingleReason reason, gboolean notify);
/* An IQ of ours with that action and first content name awaits its answer. */
gboolean ja_jingle_session_has_pending (JaJingleSession *self,
    JaJingleAction action, const char *name);
JaJingleRole ja_jingle_session_peer_role (JaJingleSession *self);
/* The peer's session-level payloads of msg replace those of the same name
 * it sent before (or are added). */
void ja_jingle_session_take_peer_payloads (JaJingleSession *self,
    const JaJingleMessage *msg);
/* Signal ids, for the action handlers. */
enum {
  JA_JINGLE_SESSION_SIGNAL_TERMINATED,
  JA_JINGLE_SESSION_SIGNAL_CONTENT_ADDED,
  JA_JINGLE_SESSION_SIGNAL_CONTENT_REMOVED,
  JA_JINGLE_SESSION_SIGNAL_CONTENT_MODIFIED,
  JA_JINGLE_SESSION_N_SIGNALS
};
extern guint ja_jingle_session_signals[JA_JINGLE_SESSION_N_SIGNALS];

JaJingleSession *ja_jingle_session_new_internal (JaJingleManager *manager,
    JaJingleRegistry *registry, const char *peer, const char *sid,
    JaJingleRole role, guint accept_timeout_ms);
/* A peer's message for this session: table check, role check, tie-break,
 * handler. FALSE with the error to reply. */
gboolean ja_jingle_session_receive (JaJingleSession *self,
    const JaJingleMessage *msg, GError **error);
/* Builds the contents of an incoming session-initiate. */
gboolean ja_jingle_session_init_remote (JaJingleSession *self,
    const JaJingleMessage *msg, GError **error);
/* Sends msg (transfer full) to the peer, tracking the request. */
void ja_jingle_session_send (JaJingleSession *self, JaJingleMessage *msg);
/* Ends the session; send: tell the peer with session-terminate. */
void ja_jingle_session_end (JaJingleSession *self, JaJingleReason reason,
    const char *text, gboolean send);
JaJingleRegistry *ja_jingle_session_get_registry (JaJingleSession *self);
JaJingleSignalling *ja_jingle_session_get_signalling (JaJingleSession *self);
/* The description namespaces of its contents, sorted, joined by ' '. */
char *ja_jingle_session_dup_app_key (JaJingleSession *self);
void ja_jingle_session_detach (JaJingleSession *self);
void ja_jingle_session_content_finished (JaJingleSession *self);

/* ---- manager (jingle-manager.c) ----------------------------------------- */

void ja_jingle_manager_send_iq (JaJingleManager *self, JaXmlNode *iq,
    JaJingleIqCallback callback, gpointer user_data);
void ja_jingle_manager_session_ended (JaJingleManager *self,
    JaJingleSession *session);
JaJingleSignalling *ja_jingle_manager_get_signalling (JaJingleManager *self);

G_END_DECLS
