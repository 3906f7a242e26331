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

G_END_DECLS
