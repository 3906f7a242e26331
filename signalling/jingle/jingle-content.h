/* jingle-content.h — one content of a session (XEP-0166 §7.3): a pairing of
 * one application with one transport (and optionally a security element),
 * owned by its session. Plugins see their content through these getters and
 * call back through the functions at the end (STYLE.md §3.6). */
#pragma once

#include "signalling/jingle/jingle-plugin.h"
#include "signalling/jingle/jingle-signalling.h"

G_BEGIN_DECLS

typedef struct _JaJingleSession JaJingleSession;

const char *ja_jingle_content_get_name (JaJingleContent *c);
JaJingleRole ja_jingle_content_get_creator (JaJingleContent *c);
JaJingleSenders ja_jingle_content_get_senders (JaJingleContent *c);
/* NULL means "session" (the default disposition). */
const char *ja_jingle_content_get_disposition (JaJingleContent *c);
/* TRUE once the peer accepted it (session-accept / content-accept) or we
 * accepted the peer's. */
gboolean ja_jingle_content_is_accepted (JaJingleContent *c);
/* Borrowed; NULL after the session ended. */
JaJingleApp *ja_jingle_content_get_app (JaJingleContent *c);
JaJingleTransport *ja_jingle_content_get_transport (JaJingleContent *c);
/* The peer's <security/> element, or NULL (borrowed). */
const JaXmlNode *ja_jingle_content_get_security (JaJingleContent *c);
/* The channel its transport reported, or NULL (borrowed). */
JaJingleChannel *ja_jingle_content_get_channel (JaJingleContent *c);

JaJingleSession *ja_jingle_content_get_session (JaJingleContent *c);
const char *ja_jingle_content_get_sid (JaJingleContent *c);
const char *ja_jingle_content_get_peer (JaJingleContent *c);
/* Our role in the session. */
JaJingleRole ja_jingle_content_get_local_role (JaJingleContent *c);
/* The XMPP side, for plugins that speak their own IQs (e.g. IBB); NULL once
 * the manager is gone. (transfer none) */
JaJingleSignalling *ja_jingle_content_get_signalling (JaJingleContent *c);

/* ---- what a plugin may call back ---------------------------------------- */

/* transport-info with this content and transport (transfer full). Dropped
 * (g_debug) before session-initiate went out or after the end. */
void ja_jingle_content_send_transport_info (JaJingleContent *c,
    JaXmlNode *transport);
/* description-info with this content and description (transfer full). */
void ja_jingle_content_send_description_info (JaJingleContent *c,
    JaXmlNode *description);
/* The transport is connected: the app is started with channel (the content
 * takes a reference). */
void ja_jingle_content_transport_ready (JaJingleContent *c,
    JaJingleChannel *channel);
/* The transport failed: the engine tries the next transport kind of the
 * application's flavor not tried yet (transport-replace), else ends the
 * session with failed-transport. */
void ja_jingle_content_transport_failed (JaJingleContent *c,
    const GError *error);
/* The application is done with this content; when every content is, the
 * session ends with that reason. */
void ja_jingle_content_app_finished (JaJingleContent *c, JaJingleReason reason);

G_END_DECLS
