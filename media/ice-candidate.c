/* ice-candidate.c — plain ICE candidate data (see ice-candidate.h). */
#include "media/ice-candidate.h"

static const char *const type_names[] = {
  [JA_ICE_CANDIDATE_HOST] = "host",
  [JA_ICE_CANDIDATE_SRFLX] = "srflx",
  [JA_ICE_CANDIDATE_PRFLX] = "prflx",
  [JA_ICE_CANDIDATE_RELAY] = "relay",
};

const char *
ja_ice_candidate_type_to_string (JaIceCandidateType type)
{
  if ((guint) type >= G_N_ELEMENTS (type_names))
    return "host";
  return type_names[type];
}

gboolean
ja_ice_candidate_type_from_string (const char *s, JaIceCandidateType *out)
{
  for (guint i = 0; s != NULL && i < G_N_ELEMENTS (type_names); i++)
    if (g_strcmp0 (s, type_names[i]) == 0)
      {
        *out = (JaIceCandidateType) i;
        return TRUE;
      }
  return FALSE;
}

JaIceCandidate *
ja_ice_candidate_new (void)
{
  JaIceCandidate *c = g_new0 (JaIceCandidate, 1);
  c->component = 1;
  return c;
}

JaIceCandidate *
ja_ice_candidate_copy (const JaIceCandidate *c)
{
  JaIceCandidate *n = g_new0 (JaIceCandidate, 1);
  *n = *c;
  n->foundation = g_strdup (c->foundation);
  n->id = g_strdup (c->id);
  n->ip = g_strdup (c->ip);
  n->protocol = g_strdup (c->protocol);
  n->rel_addr = g_strdup (c->rel_addr);
  return n;
}

void
ja_ice_candidate_free (JaIceCandidate *c)
{
  if (c == NULL)
    return;
  g_free (c->foundation);
  g_free (c->id);
  g_free (c->ip);
  g_free (c->protocol);
  g_free (c->rel_addr);
  g_free (c);
}
