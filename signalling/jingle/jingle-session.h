/* jingle-session.h — one Jingle session (XEP-0166): its state (§5.1
 * PENDING/ACTIVE/ENDED, plus NEW while a local session is being built), its
 * contents, and the local actions. Sessions are created by the manager
 * (ja_jingle_manager_new_session, or "incoming-session"); the manager keeps
 * one reference until the session ends.
 *
 * Signals:
 *   "terminated" (guint JaJingleReason, const char *text nullable,
 *       gboolean by_peer): the session reached ENDED.
 *   "content-added" (JaJingleContent*): the peer sent content-add; answer
 *       with ja_jingle_session_accept_content / _reject_content.
 *   "content-removed" (JaJingleContent*): about to be freed (content-remove
 *       or content-reject from the peer).
 *   "content-modified" (JaJingleContent*): content-modify changed senders.
 * Property "state" (JaJingleState), notified on every change. */
#pragma once

#include <glib-object.h>
#include "signalling/jingle/jingle-content.h"

G_BEGIN_DECLS

typedef enum {
  JA_JINGLE_STATE_NEW,       /* local, session-initiate not sent yet */
  JA_JINGLE_STATE_PENDING,
  JA_JINGLE_STATE_ACTIVE,
  JA_JINGLE_STATE_ENDED,
  JA_JINGLE_N_STATES
} JaJingleState;

const char *ja_jingle_state_to_string (JaJingleState state);

#define JA_TYPE_JINGLE_SESSION (ja_jingle_session_get_type ())
G_DECLARE_FINAL_TYPE (JaJingleSession, ja_jingle_session, JA, JINGLE_SESSION,
    GObject)

const char *ja_jingle_session_get_sid (JaJingleSession *self);
const char *ja_jingle_session_get_peer (JaJingleSession *self);
JaJingleRole ja_jingle_session_get_role (JaJingleSession *self);  /* ours */
JaJingleState ja_jingle_session_get_state (JaJingleSession *self);
/* Meaningful once ENDED. */
JaJingleReason ja_jingle_session_get_end_reason (JaJingleSession *self);

guint ja_jingle_session_get_n_contents (JaJingleSession *self);
JaJingleContent *ja_jingle_session_get_content (JaJingleSession *self,
    guint i);
JaJingleContent *ja_jingle_session_find_content (JaJingleSession *self,
    JaJingleRole creator, const char *name);

/* Adds a content we create. In NEW it becomes part of session-initiate;
 * in PENDING/ACTIVE it is sent as content-add. transport_ns NULL: the
 * highest-priority transport of the app's flavor. (transfer none) */
JaJingleContent *ja_jingle_session_add_content (JaJingleSession *self,
    const char *name, const char *app_ns, const char *transport_ns,
    const JaJingleAppOptions *opts, GError **error);

/* Local actions; FALSE with JA_JINGLE_ERROR_OUT_OF_ORDER when the state or
 * our role does not allow them. */
gboolean ja_jingle_session_initiate (JaJingleSession *self, GError **error);
gboolean ja_jingle_session_accept (JaJingleSession *self, GError **error);
/* In NEW the session just ends; otherwise session-terminate goes out. */
void ja_jingle_session_terminate (JaJingleSession *self, JaJingleReason reason,
    const char *text);
/* Session-level children the peer sent in other namespaces (e.g. an
 * XEP-0338 <group/>), the latest of each name: those of its
 * session-initiate or session-accept, replaced by one of the same name in a
 * later content-add or content-accept. The one named so, or NULL (transfer
 * none). */
const JaXmlNode *ja_jingle_session_find_peer_payload (JaJingleSession *self,
    const char *name, const char *ns);
/* The same (older name, kept for its callers). */
const JaXmlNode *ja_jingle_session_find_initiate_payload (
    JaJingleSession *self, const char *name, const char *ns);
/* The same among ours (ja_jingle_session_add_payload, _update_payload). */
const JaXmlNode *ja_jingle_session_find_own_payload (JaJingleSession *self,
    const char *name, const char *ns);
/* A session-level child for our session-initiate or session-accept
 * (transfer full), added before ja_jingle_session_initiate() / _accept(). */
void ja_jingle_session_add_payload (JaJingleSession *self,
    JaXmlNode *payload);
/* Mid-session: payload (transfer full) replaces our session-level child of
 * the same name (or is added) at once, and goes out with the next
 * content-add (ja_jingle_session_add_content) or content-accept we send.
 * Call it before the content is added: its plugins look it up. */
void ja_jingle_session_update_payload (JaJingleSession *self,
    JaXmlNode *payload);

/* XEP-0338 BUNDLE: the latest <group semantics='BUNDLE'/> that side sent
 * (ours or the peer's), or NULL (transfer none). */
const JaXmlNode *ja_jingle_session_find_bundle_group (JaJingleSession *self,
    JaJingleRole side);
/* Whether group lists a <content name='name'/>. */
gboolean ja_jingle_group_has_content (const JaXmlNode *group,
    const char *name);
/* The BUNDLE group that applies to content c: the latest one of whoever
 * offered c (its creator), if it lists c; else NULL. Transports share one
 * ICE/DTLS by it, RTP apps negotiate the MID header extension by it. */
const JaXmlNode *ja_jingle_content_get_bundle_group (JaJingleContent *c);

/* The same from an idle of the thread-default context (the session is
 * kept alive until then): for plugins whose engines call back from
 * objects that the end of the session frees. */
void ja_jingle_session_terminate_later (JaJingleSession *self,
    JaJingleReason reason, const char *text);
/* session-info; payload (transfer full) NULL is a ping (§6.8). */
gboolean ja_jingle_session_send_info (JaJingleSession *self,
    JaXmlNode *payload, GError **error);
gboolean ja_jingle_session_accept_content (JaJingleSession *self,
    JaJingleContent *content, GError **error);
gboolean ja_jingle_session_reject_content (JaJingleSession *self,
    JaJingleContent *content, JaJingleReason reason, GError **error);
gboolean ja_jingle_session_remove_content (JaJingleSession *self,
    JaJingleContent *content, JaJingleReason reason, GError **error);
gboolean ja_jingle_session_modify_content (JaJingleSession *self,
    JaJingleContent *content, JaJingleSenders senders, GError **error);

G_END_DECLS
