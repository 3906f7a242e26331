/* ice-udp-codec.h — XEP-0176 <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>
 * with XEP-0320's <fingerprint/> as plain data, pure parse/build. Lenient
 * where WebRTC peers are (candidates without id/generation/network, tcp
 * candidates, which are skipped and counted), strict on what ICE needs (ip,
 * port 1..65535, component 1..256, priority, a known type). */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"
#include "media/ice-candidate.h"

G_BEGIN_DECLS

typedef enum {
  JA_DTLS_SETUP_NONE,           /* attribute absent */
  JA_DTLS_SETUP_ACTPASS,
  JA_DTLS_SETUP_ACTIVE,
  JA_DTLS_SETUP_PASSIVE,
  JA_DTLS_SETUP_HOLDCONN,       /* XEP-0320 schema, RFC 4145 */
} JaDtlsSetup;

/* NULL for JA_DTLS_SETUP_NONE; from_string is FALSE on unknown names. */
const char *ja_dtls_setup_to_string (JaDtlsSetup setup);
gboolean ja_dtls_setup_from_string (const char *s, JaDtlsSetup *out);

typedef struct {
  char *ufrag;                  /* nullable (a transport-info may omit) */
  char *pwd;                    /* nullable */
  GPtrArray *candidates;        /* of JaIceCandidate (udp only) */
  guint skipped_candidates;     /* tcp / unusable ones ignored */
  JaIceCandidate *remote_candidate;   /* nullable: <remote-candidate/> */
  gboolean end_of_candidates;   /* trickle end marker:
                                   <end-of-candidates xmlns='urn:ietf:rfc:8838'/> */
  /* XEP-0320 */
  char *fingerprint_hash;       /* nullable, e.g. "sha-256" */
  char *fingerprint;            /* nullable, "AB:CD:…" */
  JaDtlsSetup setup;
} JaIceUdpTransport;

JaIceUdpTransport *ja_ice_udp_transport_new (void);
void ja_ice_udp_transport_free (JaIceUdpTransport *t);

/* node: the <transport/> element. (transfer full) Malformed →
 * JA_XMPP_ERROR_BAD_REQUEST with a text. */
JaIceUdpTransport *ja_ice_udp_transport_parse (const JaXmlNode *node,
    GError **error);
/* (transfer full) */
JaXmlNode *ja_ice_udp_transport_build (const JaIceUdpTransport *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaIceUdpTransport, ja_ice_udp_transport_free)

/* What the ufrag/pwd of a peer's <transport/> mean (RFC 8445 §9, RFC 8839
 * §4.4.3.1.1, XEP-0176 §ICE Restarts: a restart changes both). */
typedef enum {
  JA_ICE_UDP_CREDS_NONE,        /* no ufrag or no pwd: candidates only */
  JA_ICE_UDP_CREDS_FIRST,       /* we hold none: the peer's first, or its
                                   answer to our restart */
  JA_ICE_UDP_CREDS_SAME,        /* the current ones */
  JA_ICE_UDP_CREDS_STALE,       /* from before a restart (sent before the
                                   peer learnt of it): ignore the element */
  JA_ICE_UDP_CREDS_RESTART,     /* new ones (ufrag or pwd differ): the peer
                                   restarts ICE */
} JaIceUdpCreds;

const char *ja_ice_udp_creds_to_string (JaIceUdpCreds c);

/* Pure. current_ufrag/current_pwd: the peer's credentials we use (NULL
 * after our own restart until the peer answers); retired: the peer's
 * earlier ones as a flat NULL-terminated list ufrag0, pwd0, ufrag1, …
 * (nullable). */
JaIceUdpCreds ja_ice_udp_classify_credentials (const char *current_ufrag,
    const char *current_pwd, const char *const *retired, const char *ufrag,
    const char *pwd);

G_END_DECLS
