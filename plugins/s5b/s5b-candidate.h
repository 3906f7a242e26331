/* s5b-candidate.h — the pure XEP-0260 codec: <candidate/> (cid, host, jid,
 * port, priority, type), the <transport/> of an offer or answer (sid,
 * dstaddr, mode, candidates), the transport-info payloads (candidate-used,
 * candidate-error, activated, proxy-error), the §2.2 priority formula and
 * the §2.4 rule that names the nominated candidate. No I/O. */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

/* XEP-0260 §2.2, with the suggested type preferences. */
typedef enum {
  JA_S5B_CANDIDATE_DIRECT,      /* 126 */
  JA_S5B_CANDIDATE_ASSISTED,    /* 120 */
  JA_S5B_CANDIDATE_TUNNEL,      /* 110 */
  JA_S5B_CANDIDATE_PROXY,       /* 10 */
} JaS5bCandidateType;

const char *ja_s5b_candidate_type_to_string (JaS5bCandidateType type);
/* An unknown type is BAD_REQUEST. */
gboolean ja_s5b_candidate_type_from_string (const char *s,
    JaS5bCandidateType *type, GError **error);
guint ja_s5b_candidate_type_preference (JaS5bCandidateType type);
/* (2^16) * type preference + local preference (0…65535). */
guint32 ja_s5b_candidate_priority (JaS5bCandidateType type,
    guint16 local_preference);

#define JA_S5B_MAX_CANDIDATES 32
#define JA_S5B_MAX_ID_LEN 256

typedef struct {
  char *cid;
  char *host;
  char *jid;
  guint16 port;
  guint32 priority;
  JaS5bCandidateType type;
} JaS5bCandidate;

JaS5bCandidate *ja_s5b_candidate_new (const char *cid, const char *host,
    guint16 port, const char *jid, JaS5bCandidateType type,
    guint32 priority);
void ja_s5b_candidate_free (JaS5bCandidate *cand);
/* cid, host, jid, port (1…65535), priority mandatory; type defaults to
 * direct (§2.2). BAD_REQUEST otherwise. (transfer full) */
JaS5bCandidate *ja_s5b_candidate_from_node (const JaXmlNode *node,
    GError **error);
JaXmlNode *ja_s5b_candidate_to_node (const JaS5bCandidate *cand);

/* A <transport xmlns='urn:xmpp:jingle:transports:s5b:1'/> offer/answer. */
typedef struct {
  char *sid;
  char *dstaddr;           /* nullable */
  GPtrArray *candidates;   /* JaS5bCandidate*, sorted by priority, highest
                              first */
} JaS5bOffer;

void ja_s5b_offer_free (JaS5bOffer *offer);
/* sid mandatory; mode must be tcp (or absent); at most
 * JA_S5B_MAX_CANDIDATES candidates, each valid. (transfer full) */
JaS5bOffer *ja_s5b_offer_parse (const JaXmlNode *transport, GError **error);
/* (transfer full) candidates may be NULL. */
JaXmlNode *ja_s5b_offer_build (const char *sid, const char *dstaddr,
    const GPtrArray *candidates);

typedef enum {
  JA_S5B_INFO_CANDIDATE_USED,
  JA_S5B_INFO_CANDIDATE_ERROR,
  JA_S5B_INFO_ACTIVATED,
  JA_S5B_INFO_PROXY_ERROR,
} JaS5bInfoKind;

/* A transport-info payload: *cid (transfer full) for candidate-used and
 * activated. Anything else (or none) is BAD_REQUEST. */
gboolean ja_s5b_info_parse (const JaXmlNode *transport, JaS5bInfoKind *kind,
    char **sid, char **cid, GError **error);
JaXmlNode *ja_s5b_info_build (const char *sid, JaS5bInfoKind kind,
    const char *cid);

/* §2.4: which candidate carries the data once both sides reported. */
typedef enum {
  JA_S5B_NOMINATED_NONE,     /* both candidate-error: fall back */
  JA_S5B_NOMINATED_REMOTE,   /* the peer's candidate we connected to */
  JA_S5B_NOMINATED_LOCAL,    /* our candidate the peer connected to */
} JaS5bNomination;

/* ours: the peer's candidate we used (NULL: we sent candidate-error);
 * theirs: our candidate the peer used (NULL: it sent candidate-error);
 * initiator: we are the session initiator. */
JaS5bNomination ja_s5b_nominate (const JaS5bCandidate *ours,
    const JaS5bCandidate *theirs, gboolean initiator);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaS5bCandidate, ja_s5b_candidate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaS5bOffer, ja_s5b_offer_free)

G_END_DECLS
