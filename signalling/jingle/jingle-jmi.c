/* jingle-jmi.c — XEP-0353 Jingle Message Initiation payloads (see
 * jingle-jmi.h). Pure: no I/O. */

#include "signalling/jingle/jingle-jmi.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

#define MAX_TEXT_BYTES 1024

static const char *const action_names[] = {
  [JA_JMI_PROPOSE] = "propose",
  [JA_JMI_RINGING] = "ringing",
  [JA_JMI_PROCEED] = "proceed",
  [JA_JMI_ACCEPT] = "accept",
  [JA_JMI_REJECT] = "reject",
  [JA_JMI_RETRACT] = "retract",
  [JA_JMI_FINISH] = "finish",
};

const char *
ja_jmi_action_to_string (JaJmiAction action)
{
  if ((guint) action >= G_N_ELEMENTS (action_names))
    return NULL;
  return action_names[action];
}

gboolean
ja_jmi_action_from_string (const char *name, JaJmiAction *out)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (action_names); i++) {
    if (strcmp (name, action_names[i]) == 0) {
      *out = (JaJmiAction) i;
      return TRUE;
    }
  }
  return FALSE;
}

JaJmi *
ja_jmi_new (JaJmiAction action, const char *id)
{
  JaJmi *jmi = g_new0 (JaJmi, 1);

  jmi->action = action;
  jmi->id = g_strdup (id);
  jmi->descriptions = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_xml_node_free);
  return jmi;
}

void
ja_jmi_free (JaJmi *jmi)
{
  if (jmi == NULL)
    return;
  g_free (jmi->id);
  g_ptr_array_unref (jmi->descriptions);
  g_free (jmi->reason_text);
  g_free (jmi->migrated_to);
  g_free (jmi);
}

void
ja_jmi_add_description (JaJmi *jmi, JaXmlNode *description)
{
  g_return_if_fail (jmi != NULL && description != NULL);
  g_ptr_array_add (jmi->descriptions, description);
}

void
ja_jmi_set_reason (JaJmi *jmi, JaJingleReason reason, const char *text)
{
  g_return_if_fail (jmi != NULL);
  jmi->has_reason = TRUE;
  jmi->reason = reason;
  g_free (jmi->reason_text);
  jmi->reason_text = g_strdup (text);
}

gboolean
ja_jmi_has_media (const JaJmi *jmi, const char *media)
{
  g_return_val_if_fail (jmi != NULL && media != NULL, FALSE);

  for (guint i = 0; i < jmi->descriptions->len; i++) {
    const JaXmlNode *d = g_ptr_array_index (jmi->descriptions, i);

    if (ja_xml_node_is (d, "description", JA_NS_JINGLE_RTP)
        && g_strcmp0 (ja_xml_node_get_attr (d, "media"), media) == 0)
      return TRUE;
  }
  return FALSE;
}

gboolean
ja_jmi_in_message (const JaXmlNode *message)
{
  return message != NULL
      && ja_xml_node_find_ns (message, JA_NS_JINGLE_MESSAGE) != NULL;
}

/* ---- parse ------------------------------------------------------------- */

static gboolean
bad_request (GError **error, const char *what)
{
  g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST, what);
  return FALSE;
}

/* <reason xmlns='urn:xmpp:jingle:1'><condition/>[<text/>]</reason> */
static gboolean
parse_reason (JaJmi *jmi, const JaXmlNode *node, GError **error)
{
  const char *text = NULL;
  gboolean have = FALSE;

  if (jmi->has_reason)
    return bad_request (error, "two <reason/> in one JMI message");
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    const JaXmlNode *child = ja_xml_node_get_child (node, i);

    if (g_strcmp0 (child->ns, JA_NS_JINGLE) != 0)
      continue;
    if (strcmp (child->name, "text") == 0) {
      text = ja_xml_node_get_text (child);
    } else if (!have) {
      if (!ja_jingle_reason_from_string (child->name, &jmi->reason, error))
        return FALSE;
      have = TRUE;
    }
  }
  if (!have)
    return bad_request (error, "<reason/> without a condition");
  if (text != NULL && strlen (text) > MAX_TEXT_BYTES)
    return bad_request (error, "<reason/> text too long");
  jmi->has_reason = TRUE;
  jmi->reason_text = g_strdup (text);
  return TRUE;
}

static gboolean
parse_child (JaJmi *jmi, const JaXmlNode *child, GError **error)
{
  if (jmi->action == JA_JMI_PROPOSE && g_strcmp0 (child->ns,
          JA_NS_JINGLE_MESSAGE) != 0 && child->ns != NULL) {
    if (jmi->descriptions->len >= JA_JMI_MAX_DESCRIPTIONS)
      return bad_request (error, "too many descriptions in <propose/>");
    g_ptr_array_add (jmi->descriptions, ja_xml_node_copy (child));
    return TRUE;
  }
  if ((jmi->action == JA_JMI_REJECT || jmi->action == JA_JMI_RETRACT
          || jmi->action == JA_JMI_FINISH)
      && ja_xml_node_is (child, "reason", JA_NS_JINGLE))
    return parse_reason (jmi, child, error);
  if (g_strcmp0 (child->ns, JA_NS_JINGLE_MESSAGE) != 0)
    return TRUE;                /* unknown: ignored */
  if (strcmp (child->name, "tie-break") == 0
      && (jmi->action == JA_JMI_REJECT || jmi->action == JA_JMI_RETRACT)) {
    jmi->tie_break = TRUE;
  } else if (strcmp (child->name, "migrated") == 0
      && jmi->action == JA_JMI_FINISH) {
    const char *to = ja_xml_node_get_attr (child, "to");

    if (to == NULL || to[0] == '\0' || strlen (to) > JA_JMI_MAX_ID_BYTES)
      return bad_request (error, "<migrated/> without a valid to");
    g_free (jmi->migrated_to);
    jmi->migrated_to = g_strdup (to);
  }
  return TRUE;
}

JaJmi *
ja_jmi_parse (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaJmi) jmi = NULL;
  const char *id;
  JaJmiAction action;

  if (node != NULL && strcmp (node->name, "message") == 0
      && g_strcmp0 (node->ns, JA_NS_JINGLE_MESSAGE) != 0)
    node = ja_xml_node_find_ns (node, JA_NS_JINGLE_MESSAGE);
  if (node == NULL || g_strcmp0 (node->ns, JA_NS_JINGLE_MESSAGE) != 0) {
    bad_request (error, "no element in '" JA_NS_JINGLE_MESSAGE "'");
    return NULL;
  }
  if (!ja_jmi_action_from_string (node->name, &action)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "unknown Jingle Message Initiation element <%.32s/>", node->name);
    return NULL;
  }
  id = ja_xml_node_get_attr (node, "id");
  if (id == NULL || id[0] == '\0' || strlen (id) > JA_JMI_MAX_ID_BYTES) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "<%s/> without a valid id", node->name);
    return NULL;
  }
  jmi = ja_jmi_new (action, id);
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    if (!parse_child (jmi, ja_xml_node_get_child (node, i), error))
      return NULL;
  }
  if (action == JA_JMI_PROPOSE && jmi->descriptions->len == 0) {
    bad_request (error, "<propose/> without a description");
    return NULL;
  }
  return g_steal_pointer (&jmi);
}

/* ---- build ------------------------------------------------------------- */

JaXmlNode *
ja_jmi_build (const JaJmi *jmi)
{
  JaXmlNode *node;

  g_return_val_if_fail (jmi != NULL && jmi->id != NULL, NULL);
  g_return_val_if_fail (ja_jmi_action_to_string (jmi->action) != NULL, NULL);

  node = ja_xml_node_new (ja_jmi_action_to_string (jmi->action),
      JA_NS_JINGLE_MESSAGE);
  ja_xml_node_set_attr (node, "id", jmi->id);
  for (guint i = 0; i < jmi->descriptions->len; i++)
    ja_xml_node_add_child (node,
        ja_xml_node_copy (g_ptr_array_index (jmi->descriptions, i)));
  if (jmi->has_reason) {
    JaXmlNode *reason = ja_xml_node_add_new (node, "reason", JA_NS_JINGLE);

    ja_xml_node_add_new (reason, ja_jingle_reason_to_string (jmi->reason),
        NULL);
    if (jmi->reason_text != NULL)
      ja_xml_node_set_text (ja_xml_node_add_new (reason, "text", NULL),
          jmi->reason_text);
  }
  if (jmi->tie_break)
    ja_xml_node_add_new (node, "tie-break", NULL);
  if (jmi->migrated_to != NULL)
    ja_xml_node_set_attr (ja_xml_node_add_new (node, "migrated", NULL), "to",
        jmi->migrated_to);
  return node;
}
