/* s5b-candidate.c — the pure XEP-0260 codec of s5b-candidate.h. */
#include "plugins/s5b/s5b-candidate.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static const struct {
  const char *name;
  guint preference;
} types[] = {
  [JA_S5B_CANDIDATE_DIRECT] = { "direct", 126 },
  [JA_S5B_CANDIDATE_ASSISTED] = { "assisted", 120 },
  [JA_S5B_CANDIDATE_TUNNEL] = { "tunnel", 110 },
  [JA_S5B_CANDIDATE_PROXY] = { "proxy", 10 },
};

const char *
ja_s5b_candidate_type_to_string (JaS5bCandidateType type)
{
  g_return_val_if_fail (type <= JA_S5B_CANDIDATE_PROXY, NULL);
  return types[type].name;
}

gboolean
ja_s5b_candidate_type_from_string (const char *s, JaS5bCandidateType *type,
    GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    if (g_strcmp0 (s, types[i].name) == 0) {
      *type = (JaS5bCandidateType) i;
      return TRUE;
    }
  }
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
      "unknown s5b candidate type");
  return FALSE;
}

guint
ja_s5b_candidate_type_preference (JaS5bCandidateType type)
{
  g_return_val_if_fail (type <= JA_S5B_CANDIDATE_PROXY, 0);
  return types[type].preference;
}

guint32
ja_s5b_candidate_priority (JaS5bCandidateType type, guint16 local_preference)
{
  return (ja_s5b_candidate_type_preference (type) << 16) + local_preference;
}

JaS5bCandidate *
ja_s5b_candidate_new (const char *cid, const char *host, guint16 port,
    const char *jid, JaS5bCandidateType type, guint32 priority)
{
  JaS5bCandidate *cand = g_new0 (JaS5bCandidate, 1);

  cand->cid = g_strdup (cid);
  cand->host = g_strdup (host);
  cand->port = port;
  cand->jid = g_strdup (jid);
  cand->type = type;
  cand->priority = priority;
  return cand;
}

void
ja_s5b_candidate_free (JaS5bCandidate *cand)
{
  if (cand == NULL)
    return;
  g_free (cand->cid);
  g_free (cand->host);
  g_free (cand->jid);
  g_free (cand);
}

static gboolean
valid_token (const char *s)
{
  gsize len = s != NULL ? strlen (s) : 0;

  if (len == 0 || len > JA_S5B_MAX_ID_LEN)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) s[i] <= ' ' || s[i] == 0x7f)
      return FALSE;
  return TRUE;
}

JaS5bCandidate *
ja_s5b_candidate_from_node (const JaXmlNode *node, GError **error)
{
  const char *cid = ja_xml_node_get_attr (node, "cid");
  const char *host = ja_xml_node_get_attr (node, "host");
  const char *jid = ja_xml_node_get_attr (node, "jid");
  const char *port = ja_xml_node_get_attr (node, "port");
  const char *prio = ja_xml_node_get_attr (node, "priority");
  const char *type = ja_xml_node_get_attr (node, "type");
  JaS5bCandidateType t = JA_S5B_CANDIDATE_DIRECT;
  guint64 p = 0, pr = 0;

  if (!valid_token (cid) || !valid_token (host) || !valid_token (jid)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "s5b candidate lacks a valid cid, host or jid");
    return NULL;
  }
  /* The port is needed to connect (XEP-0065 §6.1 makes it mandatory). */
  if (port == NULL || !g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16,
          &p, NULL)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "s5b candidate %s: missing or invalid port", cid);
    return NULL;
  }
  if (prio == NULL || !g_ascii_string_to_unsigned (prio, 10, 0, G_MAXUINT32,
          &pr, NULL)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "s5b candidate %s: missing or invalid priority", cid);
    return NULL;
  }
  if (type != NULL && !ja_s5b_candidate_type_from_string (type, &t, error))
    return NULL;
  return ja_s5b_candidate_new (cid, host, (guint16) p, jid, t, (guint32) pr);
}

JaXmlNode *
ja_s5b_candidate_to_node (const JaS5bCandidate *cand)
{
  JaXmlNode *n = ja_xml_node_new ("candidate", JA_NS_JINGLE_S5B);

  ja_xml_node_set_attr (n, "cid", cand->cid);
  ja_xml_node_set_attr (n, "host", cand->host);
  ja_xml_node_set_attr (n, "jid", cand->jid);
  ja_xml_node_set_attr_printf (n, "port", "%u", cand->port);
  ja_xml_node_set_attr_printf (n, "priority", "%u", cand->priority);
  ja_xml_node_set_attr (n, "type",
      ja_s5b_candidate_type_to_string (cand->type));
  return n;
}

void
ja_s5b_offer_free (JaS5bOffer *offer)
{
  if (offer == NULL)
    return;
  g_free (offer->sid);
  g_free (offer->dstaddr);
  g_clear_pointer (&offer->candidates, g_ptr_array_unref);
  g_free (offer);
}

static gint
by_priority (gconstpointer a, gconstpointer b)
{
  const JaS5bCandidate *ca = *(JaS5bCandidate *const *) a;
  const JaS5bCandidate *cb = *(JaS5bCandidate *const *) b;

  return ca->priority < cb->priority ? 1 : ca->priority > cb->priority ? -1
      : 0;
}

JaS5bOffer *
ja_s5b_offer_parse (const JaXmlNode *transport, GError **error)
{
  g_autoptr (JaS5bOffer) offer = g_new0 (JaS5bOffer, 1);
  const char *sid = ja_xml_node_get_attr (transport, "sid");
  const char *mode = ja_xml_node_get_attr (transport, "mode");
  const char *dst = ja_xml_node_get_attr (transport, "dstaddr");

  if (!valid_token (sid)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "s5b transport without a valid sid");
    return NULL;
  }
  if (mode != NULL && !g_str_equal (mode, "tcp")) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "s5b transport mode %s unsupported", mode);
    return NULL;
  }
  offer->sid = g_strdup (sid);
  offer->dstaddr = valid_token (dst) ? g_strdup (dst) : NULL;
  offer->candidates = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_s5b_candidate_free);
  for (guint i = 0; i < ja_xml_node_get_n_children (transport); i++) {
    JaXmlNode *ch = ja_xml_node_get_child (transport, i);
    JaS5bCandidate *cand;

    if (!ja_xml_node_is (ch, "candidate", JA_NS_JINGLE_S5B))
      continue;
    if (offer->candidates->len == JA_S5B_MAX_CANDIDATES) {
      g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
          "more than %u s5b candidates", JA_S5B_MAX_CANDIDATES);
      return NULL;
    }
    cand = ja_s5b_candidate_from_node (ch, error);
    if (cand == NULL)
      return NULL;
    g_ptr_array_add (offer->candidates, cand);
  }
  g_ptr_array_sort (offer->candidates, by_priority);
  return g_steal_pointer (&offer);
}

JaXmlNode *
ja_s5b_offer_build (const char *sid, const char *dstaddr,
    const GPtrArray *candidates)
{
  JaXmlNode *n = ja_xml_node_new ("transport", JA_NS_JINGLE_S5B);

  ja_xml_node_set_attr (n, "sid", sid);
  ja_xml_node_set_attr (n, "mode", "tcp");
  if (dstaddr != NULL)
    ja_xml_node_set_attr (n, "dstaddr", dstaddr);
  for (guint i = 0; candidates != NULL && i < candidates->len; i++)
    ja_xml_node_add_child (n, ja_s5b_candidate_to_node (
            g_ptr_array_index (candidates, i)));
  return n;
}

static const char *info_names[] = {
  [JA_S5B_INFO_CANDIDATE_USED] = "candidate-used",
  [JA_S5B_INFO_CANDIDATE_ERROR] = "candidate-error",
  [JA_S5B_INFO_ACTIVATED] = "activated",
  [JA_S5B_INFO_PROXY_ERROR] = "proxy-error",
};

gboolean
ja_s5b_info_parse (const JaXmlNode *transport, JaS5bInfoKind *kind,
    char **sid, char **cid, GError **error)
{
  const char *s = ja_xml_node_get_attr (transport, "sid");

  if (!valid_token (s)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "s5b transport-info without a valid sid");
    return FALSE;
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (transport); i++) {
    JaXmlNode *ch = ja_xml_node_get_child (transport, i);

    for (guint k = 0; k < G_N_ELEMENTS (info_names); k++) {
      const char *c;

      if (!ja_xml_node_is (ch, info_names[k], JA_NS_JINGLE_S5B))
        continue;
      c = ja_xml_node_get_attr (ch, "cid");
      if ((k == JA_S5B_INFO_CANDIDATE_USED || k == JA_S5B_INFO_ACTIVATED)
          && !valid_token (c)) {
        g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
            "s5b <%s/> without a valid cid", info_names[k]);
        return FALSE;
      }
      *kind = (JaS5bInfoKind) k;
      *sid = g_strdup (s);
      *cid = valid_token (c) ? g_strdup (c) : NULL;
      return TRUE;
    }
  }
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
      "s5b transport-info without a known payload");
  return FALSE;
}

JaXmlNode *
ja_s5b_info_build (const char *sid, JaS5bInfoKind kind, const char *cid)
{
  JaXmlNode *n = ja_xml_node_new ("transport", JA_NS_JINGLE_S5B);
  JaXmlNode *ch;

  g_return_val_if_fail (kind <= JA_S5B_INFO_PROXY_ERROR, n);
  ja_xml_node_set_attr (n, "sid", sid);
  ch = ja_xml_node_add_new (n, info_names[kind], JA_NS_JINGLE_S5B);
  if (cid != NULL)
    ja_xml_node_set_attr (ch, "cid", cid);
  return n;
}

JaS5bNomination
ja_s5b_nominate (const JaS5bCandidate *ours, const JaS5bCandidate *theirs,
    gboolean initiator)
{
  if (ours == NULL && theirs == NULL)
    return JA_S5B_NOMINATED_NONE;
  if (theirs == NULL)
    return JA_S5B_NOMINATED_REMOTE;
  if (ours == NULL)
    return JA_S5B_NOMINATED_LOCAL;
  if (ours->priority != theirs->priority)
    return ours->priority > theirs->priority ? JA_S5B_NOMINATED_REMOTE
        : JA_S5B_NOMINATED_LOCAL;
  /* Same priority: the initiator's choice (§2.4). */
  return initiator ? JA_S5B_NOMINATED_REMOTE : JA_S5B_NOMINATED_LOCAL;
}
