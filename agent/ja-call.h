/* ja-call.h — one audio call (XEP-0167 over XEP-0176 + XEP-0320), as the
 * CLI, the D-Bus daemon and library users see it: placed to a full JID
 * (session-initiate at once) or to a bare JID (XEP-0353: propose to every
 * device, the call goes on with the one that proceeds; a peer whose
 * resource does not list XEP-0353 gets a session-initiate directly), or
 * taken from an incoming session by the agent (ja_agent_set_call_answer).
 *
 * Signals:
 *   "ringing" (const char *peer): the peer's device rings.
 *   "connected" (): ICE + DTLS done, SRTP keyed, the pipeline runs.
 *   "first-media" (): first decoded audio from the peer.
 *   "dtmf" (gchar digit, guint duration_ms): a digit from the peer.
 *   "video-changed" (gboolean present, gboolean by_peer): video was added
 *       to or removed from the call (content-add / content-remove).
 *   "peer-info" (const char *what): the peer's XEP-0167 session-info:
 *       "active", "hold", "unhold", "mute", "unmute".
 *   "ice-restart" (gboolean by_peer, gboolean automatic): ICE restarted
 *       (RFC 8445 §9): by the peer, or by us (automatic: after connectivity
 *       was lost; otherwise ja_call_restart_ice()).
 *   "pair-changed" (const char *local, const char *remote): a candidate
 *       pair selected after the first (after a restart), as
 *       "udp 127.0.0.1:40000 host".
 *   "ended" (guint JaJingleReason, const char *text, gboolean by_peer). */
#pragma once

#include <glib-object.h>

#include "agent/ja-agent.h"
#include "media/media-audio.h"
#include "media/media-video.h"
#include "plugins/ice-udp/ice-udp-transport.h"

G_BEGIN_DECLS

#define JA_TYPE_CALL (ja_call_get_type ())
G_DECLARE_FINAL_TYPE (JaCall, ja_call, JA, CALL, GObject)

/* How long an outgoing call may ring (XEP-0353 propose, or a session
 * never accepted) before it ends with reason timeout. */
#define JA_CALL_RING_TIMEOUT_MS (45 * 1000)

/**
 * ja_call_new_outgoing:
 * @agent: a connected agent (a reference is taken)
 * @to: a full JID, or a bare JID (every device rings, XEP-0353)
 *
 * Returns: (transfer full): the call; ja_call_start() places it.
 * Since: 0.1
 */
JaCall *ja_call_new_outgoing (JaAgent *agent, const char *to);
/**
 * ja_call_start:
 *
 * Places the call. Every failure ends it ("ended"), never synchronously.
 * Since: 0.1
 */
void ja_call_start (JaCall *self);

/* For the agent: a call for a peer's session (a reference is taken). The
 * session is not accepted here. (transfer full) */
JaCall *ja_call_new_incoming (JaAgent *agent, JaJingleSession *session);
/* For the agent: the incoming call's session followed our XEP-0353
 * <proceed/> on jmi_id (its "connected" says jmi, and its end sends the
 * peer a <finish/>, as both parties should). */
void ja_call_set_proceeded (JaCall *self, const char *jmi_id);

/**
 * ja_call_hangup:
 *
 * Ends the call (session-terminate <success/>, or an XEP-0353 retract
 * before the peer proceeded). Since: 0.1
 */
void ja_call_hangup (JaCall *self);

/**
 * ja_call_send_dtmf:
 * @digits: 0-9, *, #, A-D; ',' pauses
 *
 * RFC 4733 events to the peer. Since: 0.1
 */
gboolean ja_call_send_dtmf (JaCall *self, const char *digits, GError **error);

/**
 * ja_call_set_video:
 *
 * Before ja_call_start(): also offer a video content (VP8). Since: 0.1
 */
void ja_call_set_video (JaCall *self, gboolean video);
/* Before ja_call_start(): offer the contents as one XEP-0338 BUNDLE group
 * (default TRUE): one ICE component and one DTLS session for all. */
void ja_call_set_bundle (JaCall *self, gboolean bundle);
/* Mid-call: add a video content (content-add; VP8; on the audio's ICE-UDP
 * transport when the audio is in a BUNDLE both sides sent — the content-add
 * carries the updated group —, else on its own) / remove it
 * (content-remove). */
gboolean ja_call_add_video (JaCall *self, GError **error);
gboolean ja_call_remove_video (JaCall *self, GError **error);
/* Whether the call's video shares the audio's transport (XEP-0338 BUNDLE:
 * one ICE agent, one DTLS session). */
gboolean ja_call_video_is_bundled (JaCall *self);
/* The call has a video content (once the session exists). */
gboolean ja_call_has_video (JaCall *self);
gboolean ja_call_get_video_stats (JaCall *self, JaMediaVideoStats *stats);
/**
 * ja_call_get_video_codec:
 *
 * The video codec we send, e.g. "H264/90000 (pt 102)".
 *
 * Returns: (transfer none) (nullable): NULL without video or before it
 *   starts. Since: 0.1
 */
const char *ja_call_get_video_codec (JaCall *self);
/* The last decoded video frame as PNG. */
gboolean ja_call_save_frame_png (JaCall *self, const char *path,
    GError **error);

/**
 * ja_call_set_held:
 *
 * Puts the call on hold or takes it off (session-info hold/unhold; we
 * send silence while held). Since: 0.1
 */
gboolean ja_call_set_held (JaCall *self, gboolean held, GError **error);
/**
 * ja_call_restart_ice:
 *
 * Restarts ICE (RFC 8445 §9, XEP-0176): new credentials to the peer in a
 * transport-info, candidates again; media goes on over the same DTLS
 * association and SRTP keys, and "pair-changed" reports the new pair. The
 * peer may restart too ("ice-restart" with by_peer). Since: 0.1
 */
gboolean ja_call_restart_ice (JaCall *self, GError **error);
/**
 * ja_call_set_muted:
 *
 * Mutes or unmutes our audio (session-info mute/unmute). Since: 0.1
 */
gboolean ja_call_set_muted (JaCall *self, gboolean muted, GError **error);

/** ja_call_get_peer: the peer's JID (full once known). Since: 0.1 */
const char *ja_call_get_peer (JaCall *self);
gboolean ja_call_is_outgoing (JaCall *self);
gboolean ja_call_is_connected (JaCall *self);
gboolean ja_call_is_ended (JaCall *self);
/* TRUE when it went through XEP-0353. */
gboolean ja_call_used_jmi (JaCall *self);
/* (transfer none) nullable */
JaJingleSession *ja_call_get_session (JaCall *self);
/* The stream the call's signalling goes over (transfer none). */
JaXmppStream *ja_call_get_stream (JaCall *self);
/* "opus/48000/2 (pt 111)" once connected (transfer none), nullable. */
const char *ja_call_get_codec (JaCall *self);
/* The audio engine carrying the call: "native" or "gstreamer" once
 * connected (transfer none), nullable. */
const char *ja_call_get_audio_engine (JaCall *self);

/* The phases of the set-up, in milliseconds (0: not reached). */
typedef struct {
  guint signalling_ms;          /* session-initiate → session-accept */
  guint ice_ms;                 /* remote candidates → ICE connected */
  guint dtls_ms;                /* the DTLS handshake */
  guint accept_to_secure_ms;    /* session-accept → SRTP keyed */
  guint setup_ms;               /* session-initiate → SRTP keyed and the
                                 * pipeline playing ("connected") */
  guint first_media_ms;         /* session-initiate → first decoded audio */
} JaCallTimes;

void ja_call_get_times (JaCall *self, JaCallTimes *times);
/* FALSE before the pipeline runs. */
gboolean ja_call_get_media_stats (JaCall *self, JaMediaAudioStats *stats);
/* Whether the audio goes out and comes in, as negotiated now (the
 * content's senders): FALSE both without audio. */
void ja_call_get_audio_directions (JaCall *self, gboolean *send,
    gboolean *receive);
/* FALSE without a session. Clear with ja_ice_udp_info_clear. */
gboolean ja_call_get_transport_info (JaCall *self, JaIceUdpInfo *info);
/* Meaningful once ended. */
guint ja_call_get_end_reason (JaCall *self, const char **text,
    gboolean *by_peer);

G_END_DECLS
