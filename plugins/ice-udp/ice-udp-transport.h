/* ice-udp-transport.h — the XEP-0176 ICE-UDP transport kind with XEP-0320
 * DTLS-SRTP (urn:xmpp:jingle:transports:ice-udp:1): a libnice agent per
 * content (media/ice-agent), our ufrag/pwd, candidates and DTLS fingerprint
 * (with setup) in session-initiate / session-accept, more candidates
 * trickled as transport-info (accepted before session-accept too); once ICE
 * connects, a DTLS handshake over the component, the peer certificate
 * checked against the signalled fingerprint, keys exported into libsrtp2.
 * The channel it hands the application is a datagram channel of plaintext
 * RTP/RTCP (rtcp-mux, one component): protected on send, unprotected on
 * receive. ICE failure ends the session with connectivity-error, a DTLS or
 * fingerprint failure with security-error. Contents of the session's
 * XEP-0338 BUNDLE group share the first member's transport: one ICE
 * component, one DTLS handshake, one SRTP context; every packet is given
 * to every member, whose application keeps its own payload types.
 *
 * Test hooks (environment): JINGLE_AGENT_ICE_ADDRESSES=A,B… restricts host
 * candidates to those addresses (the tests use 127.0.0.1);
 * JINGLE_AGENT_TEST_BAD_FINGERPRINT=1 signals a fingerprint that is not our
 * certificate's; JINGLE_AGENT_TEST_TAP=PATH appends every datagram sent,
 * before protection to PATH.plain and as sent to PATH.wire (4-byte
 * big-endian length, then the bytes); JINGLE_AGENT_TEST_DROP_EVERY=N drops
 * every Nth RTP packet we send (loss for the tests; RTCP is kept);
 * JINGLE_AGENT_TEST_ICE_FAIL_AFTER=S handles ICE as failed S seconds after
 * it connected, as when libnice reports consent lost (the recovery path). */
#pragma once

#include "signalling/jingle/jingle-content.h"
#include "signalling/jingle/jingle-plugin.h"
#include "signalling/xmpp/xmpp-stream.h"
#include "media/dtls-cert.h"
#include "media/ice-agent.h"
#include "media/srtp.h"

G_BEGIN_DECLS

/* How long ICE may take to connect before the session ends. */
#define JA_ICE_UDP_CONNECT_TIMEOUT_MS (20 * 1000)
/* ICE failed mid-call (consent lost): how long the controlling side's
 * restart (or, controlled, the peer's) may take before the session ends
 * with connectivity-error. */
#define JA_ICE_UDP_RECOVERY_MS (5 * 1000)

extern const JaJingleTransportKind ja_ice_udp_transport_kind;

/* Per-stream settings for the sessions that follow (kept on the stream):
 * the DTLS identity (a reference is taken; NULL: an ephemeral one per
 * agent) and the ICE configuration (copied; controlling and n_components
 * are set per session). */
void ja_ice_udp_transport_set_options (JaXmppStream *stream, JaDtlsCert *cert,
    const JaIceConfig *config);

/* What a transport of this kind did, for progress lines and benches. */
typedef struct {
  gboolean ice_connected;
  gboolean secured;             /* DTLS done, SRTP keyed */
  gboolean media_thread;        /* receiving on the media thread */
  guint ice_ms;                 /* connect() (or first remote data) → ICE connected */
  guint dtls_ms;                /* handshake */
  char *local_candidate;        /* "udp 127.0.0.1:40000 host", nullable */
  char *remote_candidate;
  const char *local_type;       /* "host", "srflx", "relay", … nullable */
  const char *srtp_profile;     /* nullable */
  const char *dtls_role;        /* "client" / "server", nullable */
  gint64 secured_at;            /* g_get_monotonic_time() when SRTP was keyed, 0 before */
  guint bundle_size;            /* contents on this ICE component (XEP-0338) */
  guint ice_restarts;           /* ours and the peer's */
  guint ice_generation;         /* of our current candidates */
  JaSrtpStats srtp;
} JaIceUdpInfo;

/* FALSE when tp is not of this kind. Free the strings with
 * ja_ice_udp_info_clear. */
gboolean ja_ice_udp_transport_get_info (JaJingleTransport *tp,
    JaIceUdpInfo *info);
void ja_ice_udp_info_clear (JaIceUdpInfo *info);

/* ICE restarts (RFC 8445 §9, XEP-0176 §ICE Restarts). Either side may
 * restart: new local ufrag/pwd in a transport-info of their own (with the
 * unchanged XEP-0320 fingerprint), then the candidates again with the next
 * generation; the peer takes credentials that differ from the current ones
 * as a restart, restarts itself and answers the same way. The DTLS
 * association and SRTP keys stay (RFC 5763: the fingerprint did not
 * change); media goes on over the previous pair meanwhile. Glare needs no
 * tie-break: a side whose restart is unanswered holds no peer credentials,
 * so whatever new ones arrive next are the answer (see docs/internals/
 * ice.md). */
typedef struct {
  /* A transport of the session restarted: by_peer, or ours (automatic
   * after connectivity was lost, else asked). */
  void (*restarted) (JaJingleSession *session, gboolean by_peer,
      gboolean automatic, gpointer user_data);
  /* A candidate pair was selected after the first ("udp 1.2.3.4:5 host"). */
  void (*pair) (JaJingleSession *session, const char *local,
      const char *remote, gpointer user_data);
} JaIceUdpObserver;

/* One observer per session (copied; NULL removes it). */
void ja_ice_udp_set_observer (JaJingleSession *session,
    const JaIceUdpObserver *obs, gpointer user_data);
/* Restarts every ICE-UDP transport of the session (once its transport
 * element went out). */
gboolean ja_ice_udp_restart (JaJingleSession *session, GError **error);

G_END_DECLS
