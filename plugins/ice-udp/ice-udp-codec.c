/* ice-udp-codec.c — XEP-0176 <transport/> with XEP-0320 <fingerprint/>
 * (see ice-udp-codec.h). Pure: no I/O. A peer can only make the parser
 * return JA_XMPP_ERROR_BAD_REQUEST; every number is range-checked. */

#include "plugins/ice-udp/ice-udp-codec.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

/* Far above what a real peer sends in one transport (a few per network
 * interface), so only a hostile peer reaches it. */
#define MAX_CANDIDATES 256
#define MAX_STRING_BYTES 256    /* foundation, id, ip, ufrag, pwd, hash */
#define MAX_FINGERPRINT_BYTES 512

static const char *const setup_names[] = {
  [JA_DTLS_SETUP_NONE] = NULL,
  [JA_DTLS_SETUP_ACTPASS] = "actpass",
  [JA_DTLS_SETUP_ACTIVE] = "active",
  [JA_DTLS_SETUP_PASSIVE] = "passive",
  [JA_DTLS_SETUP_HOLDCONN] = "holdconn",
};

const char *
ja_dtls_setup_to_string (JaDtlsSetup setup)
{
  if ((guint) setup >= G_N_ELEMENTS (setup_names))
    return NULL;
  return setup_names[setup];
}

gboolean
ja_dtls_setup_from_string (const char *s, JaDtlsSetup *out)
{
  for (guint i = 1; s != NULL && i < G_N_ELEMENTS (setup_names); i++) {
    if (strcmp (s, setup_names[i]) == 0) {
      *out = (JaDtlsSetup) i;
      return TRUE;
    }
  }
  return FALSE;
}

JaIceUdpTransport *
ja_ice_udp_transport_new (void)
{
  JaIceUdpTransport *t = g_new0 (JaIceUdpTransport, 1);

  t->candidates = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_candidate_free);
  return t;
}

void
ja_ice_udp_transport_free (JaIceUdpTransport *t)
{
  if (t == NULL)
    return;
  g_free (t->ufrag);
  g_free (t->pwd);
  g_ptr_array_unref (t->candidates);
  ja_ice_candidate_free (t->remote_candidate);
  g_free (t->fingerprint_hash);
  g_free (t->fingerprint);
  g_free (t);
}

/* ---- parse ------------------------------------------------------------- */

static gboolean
attr_number (const JaXmlNode *node, const char *attr, gboolean required,
    guint64 min, guint64 max, guint *out, GError **error)
{
  const char *text = ja_xml_node_get_attr (node, attr);
  guint64 v;

  if (text == NULL) {
    if (required)
      return ja_xmpp_error_bad_request (error,
          "<%s/> lacks %s", node->name, attr);
    return TRUE;                /* *out keeps its default */
  }
  if (!ja_xml_parse_decimal (text, min, max, &v))
    return ja_xmpp_error_bad_request (error,
        "<%s/> %s '%.16s' is not a number in %"
        G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT, node->name, attr, text,
        min, max);
  *out = (guint) v;
  return TRUE;
}

/* A string attribute, bounded; required ones must be non-empty. */
static gboolean
attr_string (const JaXmlNode *node, const char *attr, gboolean required,
    char **out, GError **error)
{
  const char *text = ja_xml_node_get_attr (node, attr);

  if (text == NULL || text[0] == '\0') {
    if (required)
      return ja_xmpp_error_bad_request (error,
          "<%s/> lacks %s", node->name, attr);
    return TRUE;
  }
  if (strlen (text) > MAX_STRING_BYTES)
    return ja_xmpp_error_bad_request (error, "<%s/> %s is longer than %d bytes",
        node->name, attr, MAX_STRING_BYTES);
  g_free (*out);
  *out = g_strdup (text);
  return TRUE;
}

/* One <candidate/>. NULL with no error: a candidate we skip (not udp). */
static JaIceCandidate *
parse_candidate (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaIceCandidate) c = ja_ice_candidate_new ();
  const char *protocol = ja_xml_node_get_attr (node, "protocol");
  const char *type = ja_xml_node_get_attr (node, "type");
  guint priority = 0;

  if (protocol == NULL) {
    ja_xmpp_error_bad_request (error, "<candidate/> lacks protocol");
    return NULL;
  }
  if (g_ascii_strcasecmp (protocol, "udp") != 0)
    return NULL;                /* tcp (RFC 6544) and others: skipped */
  if (!attr_number (node, "component", TRUE, 1, 256, &c->component, error)
      || !attr_string (node, "foundation", TRUE, &c->foundation, error)
      || !attr_number (node, "generation", FALSE, 0, G_MAXUINT32,
          &c->generation, error)
      || !attr_string (node, "id", FALSE, &c->id, error)
      || !attr_string (node, "ip", TRUE, &c->ip, error)
      || !attr_number (node, "network", FALSE, 0, G_MAXUINT32, &c->network,
          error)
      || !attr_number (node, "port", TRUE, 1, 65535, &c->port, error)
      || !attr_number (node, "priority", TRUE, 1, G_MAXUINT32, &priority,
          error)
      || !attr_string (node, "rel-addr", FALSE, &c->rel_addr, error)
      || !attr_number (node, "rel-port", FALSE, 0, 65535, &c->rel_port,
          error))
    return NULL;
  c->priority = priority;
  c->protocol = g_strdup ("udp");
  if (type == NULL) {
    ja_xmpp_error_bad_request (error, "<candidate/> lacks type");
    return NULL;
  }
  if (!ja_ice_candidate_type_from_string (type, &c->type)) {
    ja_xmpp_error_bad_request (error,
        "<candidate/> type '%.16s' is unknown", type);
    return NULL;
  }
  return g_steal_pointer (&c);
}

/* <remote-candidate component=… ip=… port=…/> (XEP-0176 §6.2). */
static JaIceCandidate *
parse_remote_candidate (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaIceCandidate) c = ja_ice_candidate_new ();

  if (!attr_number (node, "component", TRUE, 1, 256, &c->component, error)
      || !attr_string (node, "ip", TRUE, &c->ip, error)
      || !attr_number (node, "port", TRUE, 1, 65535, &c->port, error))
    return NULL;
  c->protocol = g_strdup ("udp");
  return g_steal_pointer (&c);
}

static gboolean
parse_fingerprint (JaIceUdpTransport *t, const JaXmlNode *node,
    GError **error)
{
  const char *setup = ja_xml_node_get_attr (node, "setup");
  g_autofree char *text = g_strstrip (g_strdup (ja_xml_node_get_text (node)));

  if (t->fingerprint != NULL)
    return ja_xmpp_error_bad_request (error,
        "two <fingerprint/> in one <transport/>");
  if (!attr_string (node, "hash", TRUE, &t->fingerprint_hash, error))
    return FALSE;
  if (text[0] == '\0' || strlen (text) > MAX_FINGERPRINT_BYTES)
    return ja_xmpp_error_bad_request (error,
        "<fingerprint/> is empty or too long");
  if (setup != NULL && !ja_dtls_setup_from_string (setup, &t->setup))
    return ja_xmpp_error_bad_request (error,
        "<fingerprint/> setup '%.16s' is unknown",
        setup);
  t->fingerprint = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
parse_child (JaIceUdpTransport *t, const JaXmlNode *child, GError **error)
{
  if (ja_xml_node_is (child, "candidate", JA_NS_JINGLE_ICE_UDP)) {
    JaIceCandidate *c;

    if (t->candidates->len + t->skipped_candidates >= MAX_CANDIDATES)
      return ja_xmpp_error_bad_request (error,
          "more than %d candidates", MAX_CANDIDATES);
    c = parse_candidate (child, error);
    if (c != NULL)
      g_ptr_array_add (t->candidates, c);
    else if (error != NULL && *error != NULL)
      return FALSE;
    else
      t->skipped_candidates++;
  } else if (ja_xml_node_is (child, "remote-candidate",
          JA_NS_JINGLE_ICE_UDP)) {
    if (t->remote_candidate != NULL)
      return ja_xmpp_error_bad_request (error, "two <remote-candidate/>");
    t->remote_candidate = parse_remote_candidate (child, error);
    return t->remote_candidate != NULL;
  } else if (ja_xml_node_is (child, "fingerprint", JA_NS_JINGLE_DTLS)) {
    return parse_fingerprint (t, child, error);
  } else if (strcmp (child->name, "end-of-candidates") == 0
      && (g_strcmp0 (child->ns, JA_NS_ICE_END_OF_CANDIDATES) == 0
          || g_strcmp0 (child->ns, JA_NS_JINGLE_ICE_UDP) == 0)) {
    t->end_of_candidates = TRUE;
  }
  /* anything else is ignored */
  return TRUE;
}

JaIceUdpTransport *
ja_ice_udp_transport_parse (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaIceUdpTransport) t = NULL;
  GError *local = NULL;

  if (node == NULL
      || !ja_xml_node_is (node, "transport", JA_NS_JINGLE_ICE_UDP)) {
    ja_xmpp_error_bad_request (error,
        "not a <transport xmlns='" JA_NS_JINGLE_ICE_UDP
        "'/>");
    return NULL;
  }
  t = ja_ice_udp_transport_new ();
  if (!attr_string (node, "ufrag", FALSE, &t->ufrag, error)
      || !attr_string (node, "pwd", FALSE, &t->pwd, error))
    return NULL;
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    if (!parse_child (t, ja_xml_node_get_child (node, i), &local)) {
      g_propagate_error (error, local);
      return NULL;
    }
  }
  return g_steal_pointer (&t);
}

/* ---- build ------------------------------------------------------------- */

static void
build_candidate (JaXmlNode *transport, const JaIceCandidate *c)
{
  JaXmlNode *node = ja_xml_node_add_new (transport, "candidate", NULL);

  ja_xml_node_set_attr_printf (node, "component", "%u", c->component);
  ja_xml_node_set_attr (node, "foundation", c->foundation);
  ja_xml_node_set_attr_printf (node, "generation", "%u", c->generation);
  if (c->id != NULL)
    ja_xml_node_set_attr (node, "id", c->id);
  ja_xml_node_set_attr (node, "ip", c->ip);
  ja_xml_node_set_attr_printf (node, "network", "%u", c->network);
  ja_xml_node_set_attr_printf (node, "port", "%u", c->port);
  ja_xml_node_set_attr_printf (node, "priority", "%u", c->priority);
  ja_xml_node_set_attr (node, "protocol", c->protocol ? c->protocol : "udp");
  if (c->rel_addr != NULL) {
    ja_xml_node_set_attr (node, "rel-addr", c->rel_addr);
    ja_xml_node_set_attr_printf (node, "rel-port", "%u", c->rel_port);
  }
  ja_xml_node_set_attr (node, "type",
      ja_ice_candidate_type_to_string (c->type));
}

JaXmlNode *
ja_ice_udp_transport_build (const JaIceUdpTransport *t)
{
  JaXmlNode *node;

  g_return_val_if_fail (t != NULL, NULL);

  node = ja_xml_node_new ("transport", JA_NS_JINGLE_ICE_UDP);
  if (t->ufrag != NULL)
    ja_xml_node_set_attr (node, "ufrag", t->ufrag);
  if (t->pwd != NULL)
    ja_xml_node_set_attr (node, "pwd", t->pwd);
  if (t->fingerprint != NULL) {
    JaXmlNode *fp = ja_xml_node_add_new (node, "fingerprint",
        JA_NS_JINGLE_DTLS);

    ja_xml_node_set_attr (fp, "hash", t->fingerprint_hash ?
        t->fingerprint_hash : "sha-256");
    if (ja_dtls_setup_to_string (t->setup) != NULL)
      ja_xml_node_set_attr (fp, "setup", ja_dtls_setup_to_string (t->setup));
    ja_xml_node_set_text (fp, t->fingerprint);
  }
  for (guint i = 0; i < t->candidates->len; i++)
    build_candidate (node, g_ptr_array_index (t->candidates, i));
  if (t->remote_candidate != NULL) {
    JaXmlNode *rc = ja_xml_node_add_new (node, "remote-candidate", NULL);

    ja_xml_node_set_attr_printf (rc, "component", "%u",
        t->remote_candidate->component);
    ja_xml_node_set_attr (rc, "ip", t->remote_candidate->ip);
    ja_xml_node_set_attr_printf (rc, "port", "%u",
        t->remote_candidate->port);
  }
  if (t->end_of_candidates)
    ja_xml_node_add_new (node, "end-of-candidates",
        JA_NS_ICE_END_OF_CANDIDATES);
  return node;
}

/* ---- credentials -------------------------------------------------------- */

static const char *const creds_names[] = {
  [JA_ICE_UDP_CREDS_NONE] = "none",
  [JA_ICE_UDP_CREDS_FIRST] = "first",
  [JA_ICE_UDP_CREDS_SAME] = "same",
  [JA_ICE_UDP_CREDS_STALE] = "stale",
  [JA_ICE_UDP_CREDS_RESTART] = "restart",
};

const char *
ja_ice_udp_creds_to_string (JaIceUdpCreds c)
{
  if ((guint) c >= G_N_ELEMENTS (creds_names))
    return "unknown";
  return creds_names[c];
}

JaIceUdpCreds
ja_ice_udp_classify_credentials (const char *current_ufrag,
    const char *current_pwd, const char *const *retired, const char *ufrag,
    const char *pwd)
{
  if (ufrag == NULL || pwd == NULL)
    return JA_ICE_UDP_CREDS_NONE;
  if (current_ufrag != NULL && current_pwd != NULL
      && strcmp (ufrag, current_ufrag) == 0 && strcmp (pwd, current_pwd) == 0)
    return JA_ICE_UDP_CREDS_SAME;
  /* Checked before FIRST: after our restart the peer may still trickle
   * with its old credentials until our transport-info reaches it; taking
   * those as its answer would make it see a restart of ours that never
   * ends (it answers, we restart again, ...). */
  for (guint i = 0; retired != NULL && retired[i] != NULL
      && retired[i + 1] != NULL; i += 2)
    if (strcmp (ufrag, retired[i]) == 0 && strcmp (pwd, retired[i + 1]) == 0)
      return JA_ICE_UDP_CREDS_STALE;
  if (current_ufrag == NULL || current_pwd == NULL)
    return JA_ICE_UDP_CREDS_FIRST;
  /* RFC 8445 §9: a restart changes both; a peer that changes only one
   * still gives libnice credentials it must use, so it is one too. */
  return JA_ICE_UDP_CREDS_RESTART;
}
