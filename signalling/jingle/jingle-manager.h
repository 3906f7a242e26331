/* jingle-manager.h — the entry of the Jingle engine: registers the
 * <jingle xmlns='urn:xmpp:jingle:1'/> IQ handler on a JaJingleSignalling,
 * parses each request (jingle-message), finds its session by (peer, sid)
 * or answers unknown-session, breaks session-initiate ties (§7.2.16),
 * creates sessions for session-initiate, and acks every valid request
 * before anything it causes goes out (§6.3.1: ack first, then act).
 *
 * Signals:
 *   "incoming-session" (JaJingleSession*): a peer's session-initiate was
 *       accepted for negotiation; answer with ja_jingle_session_accept or
 *       _terminate (decline, busy...).
 *   "session-ended" (JaJingleSession*): a session reached ENDED and left
 *       the sid map. */
#pragma once

#include <glib-object.h>
#include "signalling/jingle/jingle-registry.h"
#include "signalling/jingle/jingle-session.h"
#include "signalling/jingle/jingle-signalling.h"

G_BEGIN_DECLS

/* Sessions at once per manager: a peer cannot grow the sid map beyond. */
#define JA_JINGLE_MAX_SESSIONS 256
/* Default for sessions never accepted (both roles): then they end with
 * reason timeout. */
#define JA_JINGLE_DEFAULT_ACCEPT_TIMEOUT_MS (120 * 1000)

#define JA_TYPE_JINGLE_MANAGER (ja_jingle_manager_get_type ())
G_DECLARE_FINAL_TYPE (JaJingleManager, ja_jingle_manager, JA, JINGLE_MANAGER,
    GObject)

/* signalling (transfer full); registry (a reference is taken). */
JaJingleManager *ja_jingle_manager_new (JaJingleSignalling *signalling,
    JaJingleRegistry *registry);

/* For sessions created from now on; 0 disables the timeout. */
void ja_jingle_manager_set_accept_timeout (JaJingleManager *self, guint ms);

/* A new outgoing session in state NEW with a fresh random sid: add contents,
 * then ja_jingle_session_initiate(). (transfer full) */
JaJingleSession *ja_jingle_manager_new_session (JaJingleManager *self,
    const char *peer_jid, GError **error);

/* The same with a sid chosen by the caller (XEP-0353: the propose id);
 * fails when a session (peer, sid) exists. (transfer full) */
JaJingleSession *ja_jingle_manager_new_session_with_sid (JaJingleManager *self,
    const char *peer_jid, const char *sid, GError **error);

/* (transfer none) nullable */
JaJingleSession *ja_jingle_manager_lookup (JaJingleManager *self,
    const char *peer_jid, const char *sid);
guint ja_jingle_manager_get_n_sessions (JaJingleManager *self);
JaJingleRegistry *ja_jingle_manager_get_registry (JaJingleManager *self);

G_END_DECLS
