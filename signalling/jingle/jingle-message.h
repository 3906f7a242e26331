/* jingle-message.h — the <jingle xmlns='urn:xmpp:jingle:1'/> element
 * (XEP-0166 §7) as a plain struct: pure parse and build, no I/O, no state.
 * Parsing accepts what real clients send (missing initiator/responder/
 * senders/creator, unknown children ignored) and is bounded: at most
 * JA_JINGLE_MAX_CONTENTS contents and JA_JINGLE_MAX_PAYLOADS info payloads,
 * names and sids at most JA_JINGLE_MAX_NAME_BYTES, reason text at most
 * JA_JINGLE_MAX_TEXT_BYTES. Failures are JA_XMPP_ERROR_BAD_REQUEST. */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"
#include "signalling/jingle/jingle-reason.h"

G_BEGIN_DECLS

#define JA_JINGLE_MAX_CONTENTS 16
#define JA_JINGLE_MAX_PAYLOADS 16
#define JA_JINGLE_MAX_NAME_BYTES 256
#define JA_JINGLE_MAX_TEXT_BYTES 4096

/* §7.2, in the schema's order. */
typedef enum {
  JA_JINGLE_ACTION_CONTENT_ACCEPT,
  JA_JINGLE_ACTION_CONTENT_ADD,
  JA_JINGLE_ACTION_CONTENT_MODIFY,
  JA_JINGLE_ACTION_CONTENT_REJECT,
  JA_JINGLE_ACTION_CONTENT_REMOVE,
  JA_JINGLE_ACTION_DESCRIPTION_INFO,
  JA_JINGLE_ACTION_SECURITY_INFO,
  JA_JINGLE_ACTION_SESSION_ACCEPT,
  JA_JINGLE_ACTION_SESSION_INFO,
  JA_JINGLE_ACTION_SESSION_INITIATE,
  JA_JINGLE_ACTION_SESSION_TERMINATE,
  JA_JINGLE_ACTION_TRANSPORT_ACCEPT,
  JA_JINGLE_ACTION_TRANSPORT_INFO,
  JA_JINGLE_ACTION_TRANSPORT_REJECT,
  JA_JINGLE_ACTION_TRANSPORT_REPLACE,
  JA_JINGLE_N_ACTIONS
} JaJingleAction;

const char *ja_jingle_action_to_string (JaJingleAction action);
gboolean ja_jingle_action_from_string (const char *name, JaJingleAction *out,
    GError **error);

/* The two parties (content 'creator', §7.3). */
typedef enum {
  JA_JINGLE_ROLE_INITIATOR,
  JA_JINGLE_ROLE_RESPONDER,
} JaJingleRole;

const char *ja_jingle_role_to_string (JaJingleRole role);
gboolean ja_jingle_role_from_string (const char *name, JaJingleRole *out,
    GError **error);

/* Content 'senders' (§7.3); the default is both. */
typedef enum {
  JA_JINGLE_SENDERS_BOTH,
  JA_JINGLE_SENDERS_INITIATOR,
  JA_JINGLE_SENDERS_RESPONDER,
  JA_JINGLE_SENDERS_NONE,
} JaJingleSenders;

const char *ja_jingle_senders_to_string (JaJingleSenders senders);
gboolean ja_jingle_senders_from_string (const char *name,
    JaJingleSenders *out, GError **error);

typedef struct {
  char *name;
  JaJingleRole creator;         /* initiator when absent */
  JaJingleSenders senders;
  gboolean has_senders;         /* the attribute was present / is written */
  char *disposition;            /* NULL: "session" (the default) */
  JaXmlNode *description;       /* owned copies, NULL when absent */
  JaXmlNode *transport;
  JaXmlNode *security;
} JaJingleMessageContent;

typedef struct {
  JaJingleReason condition;
  char *text;                   /* nullable */
  char *alternative_sid;        /* <alternative-session><sid/>, nullable */
  JaXmlNode *detail;            /* the child in another namespace, nullable */
} JaJingleMessageReason;

typedef struct {
  JaJingleAction action;
  char *sid;
  char *initiator;              /* nullable */
  char *responder;              /* nullable */
  GPtrArray *contents;          /* JaJingleMessageContent* (owned) */
  JaJingleMessageReason *reason;  /* nullable */
  GPtrArray *payloads;          /* JaXmlNode* children in other namespaces */
} JaJingleMessage;

JaJingleMessage *ja_jingle_message_new (JaJingleAction action,
    const char *sid);
void ja_jingle_message_free (JaJingleMessage *msg);

/* Parse a <jingle/> element (borrowed). (transfer full) */
JaJingleMessage *ja_jingle_message_parse (const JaXmlNode *jingle,
    GError **error);
/* Build the <jingle/> element. (transfer full) */
JaXmlNode *ja_jingle_message_build (const JaJingleMessage *msg);

/* Appends a content (owned by msg) and returns it. */
JaJingleMessageContent *ja_jingle_message_add_content (JaJingleMessage *msg,
    JaJingleRole creator, const char *name);
/* Sets the reason (text nullable). */
void ja_jingle_message_set_reason (JaJingleMessage *msg,
    JaJingleReason condition, const char *text);
/* Takes ownership of payload. */
void ja_jingle_message_add_payload (JaJingleMessage *msg, JaXmlNode *payload);
/* The content with that creator and name, or NULL. */
JaJingleMessageContent *ja_jingle_message_find_content (
    const JaJingleMessage *msg, JaJingleRole creator, const char *name);

void ja_jingle_message_content_free (JaJingleMessageContent *content);
void ja_jingle_message_reason_free (JaJingleMessageReason *reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaJingleMessage, ja_jingle_message_free)

G_END_DECLS
