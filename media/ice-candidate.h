/* ice-candidate.h — an ICE candidate as both the libnice wrapper and the
 * XEP-0176 codec see it (plain data, no libnice types). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  JA_ICE_CANDIDATE_HOST,
  JA_ICE_CANDIDATE_SRFLX,
  JA_ICE_CANDIDATE_PRFLX,
  JA_ICE_CANDIDATE_RELAY,
} JaIceCandidateType;

/* "host", "srflx", "prflx", "relay"; from_string returns FALSE on others. */
const char *ja_ice_candidate_type_to_string (JaIceCandidateType type);
gboolean ja_ice_candidate_type_from_string (const char *s, JaIceCandidateType *out);

typedef struct {
  guint component;              /* 1 = RTP, 2 = RTCP */
  char *foundation;
  guint generation;
  char *id;                     /* XEP-0176 id (nullable when received) */
  char *ip;                     /* IPv4 or IPv6 literal */
  guint network;
  guint port;
  guint32 priority;
  char *protocol;               /* "udp" (tcp candidates are ignored) */
  char *rel_addr;               /* nullable */
  guint rel_port;
  JaIceCandidateType type;
} JaIceCandidate;

JaIceCandidate *ja_ice_candidate_new (void);
JaIceCandidate *ja_ice_candidate_copy (const JaIceCandidate *c);
void ja_ice_candidate_free (JaIceCandidate *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaIceCandidate, ja_ice_candidate_free)

G_END_DECLS
