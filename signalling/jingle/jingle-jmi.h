/* jingle-jmi.h — XEP-0353 Jingle Message Initiation (v0.8.0, namespace
 * 'urn:xmpp:jingle-message:0'): the <propose/>, <ringing/>, <proceed/>,
 * <accept/>, <reject/>, <retract/> and <finish/> payloads of a <message/>
 * as a small struct, pure parse/build. */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"
#include "signalling/jingle/jingle-reason.h"

G_BEGIN_DECLS

typedef enum {
  JA_JMI_PROPOSE,
  JA_JMI_RINGING,
  JA_JMI_PROCEED,
  JA_JMI_ACCEPT,                /* the schema's; v0.4/0.5 used it for proceed */
  JA_JMI_REJECT,
  JA_JMI_RETRACT,
  JA_JMI_FINISH,
} JaJmiAction;

/* The element name; from_string is FALSE on other names. */
const char *ja_jmi_action_to_string (JaJmiAction action);
gboolean ja_jmi_action_from_string (const char *name, JaJmiAction *out);

#define JA_JMI_MAX_ID_BYTES 1023
#define JA_JMI_MAX_DESCRIPTIONS 16

typedef struct {
  JaJmiAction action;
  char *id;                     /* the session id to be, never NULL */
  GPtrArray *descriptions;      /* propose: JaXmlNode copies (≥ 1), e.g.
                                   <description xmlns=rtp:1 media='audio'/> */
  gboolean has_reason;          /* reject, retract, finish */
  JaJingleReason reason;
  char *reason_text;            /* nullable */
  gboolean tie_break;           /* reject/retract: <tie-break/> */
  char *migrated_to;            /* finish: <migrated to=…/>, nullable */
} JaJmi;

JaJmi *ja_jmi_new (JaJmiAction action, const char *id);
void ja_jmi_free (JaJmi *jmi);
/* Takes ownership of description. */
void ja_jmi_add_description (JaJmi *jmi, JaXmlNode *description);
void ja_jmi_set_reason (JaJmi *jmi, JaJingleReason reason, const char *text);
/* Whether a propose has an RTP description for media ("audio"/"video"). */
gboolean ja_jmi_has_media (const JaJmi *jmi, const char *media);

/* Whether a <message/> carries a payload in the JMI namespace. */
gboolean ja_jmi_in_message (const JaXmlNode *message);
/* node: the <message/> stanza or the payload element itself. Malformed →
 * JA_XMPP_ERROR_BAD_REQUEST with a text. (transfer full) */
JaJmi *ja_jmi_parse (const JaXmlNode *node, GError **error);
/* (transfer full) the namespaced payload element, to add to a <message/>. */
JaXmlNode *ja_jmi_build (const JaJmi *jmi);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaJmi, ja_jmi_free)

G_END_DECLS
