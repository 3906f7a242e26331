/* fuzz-jingle-message.c — libFuzzer target for ja_jingle_message_parse
 * (XEP-0166 §7): the input is one XML element (normally <jingle/>), parsed
 * with the stream parser's default limits. Whatever parses must build back
 * into an element that parses to the same action, sid and contents, and no
 * input may reach g_warning or g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "signalling/jingle/jingle-message.h"
#include "signalling/xml/xml-stream-parser.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
stanza_cb (gpointer user_data, JaXmlNode *stanza)
{
  JaXmlNode **out = user_data;

  if (*out == NULL)
    *out = stanza;
  else
    ja_xml_node_free (stanza);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const JaXmlStreamCallbacks cbs = { .stanza = stanza_cb };
  static const char open[] = "<w xmlns='jabber:client'>";
  static const char close[] = "</w>";
  static gboolean once;
  g_autoptr (JaXmlNode) node = NULL;
  g_autoptr (JaJingleMessage) msg = NULL;
  g_autoptr (JaJingleMessage) again = NULL;
  g_autoptr (JaXmlNode) built = NULL;
  JaXmlStreamParser *parser;

  if (!once) {      /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  parser = ja_xml_stream_parser_new (NULL, &cbs, &node);
  ja_xml_stream_parser_set_require_stream_header (parser, FALSE);
  if (ja_xml_stream_parser_feed (parser, open, strlen (open), NULL)
      && ja_xml_stream_parser_feed (parser, data, size, NULL))
    ja_xml_stream_parser_feed (parser, close, strlen (close), NULL);
  ja_xml_stream_parser_free (parser);
  if (node == NULL)
    return 0;

  msg = ja_jingle_message_parse (node, NULL);
  if (msg == NULL)
    return 0;
  g_assert (msg->contents->len <= JA_JINGLE_MAX_CONTENTS);
  g_assert (msg->payloads->len <= JA_JINGLE_MAX_PAYLOADS);
  built = ja_jingle_message_build (msg);
  again = ja_jingle_message_parse (built, NULL);
  g_assert (again != NULL);
  g_assert (again->action == msg->action);
  g_assert (strcmp (again->sid, msg->sid) == 0);
  g_assert (again->contents->len == msg->contents->len);
  g_assert ((again->reason == NULL) == (msg->reason == NULL));
  for (guint i = 0; i < msg->contents->len; i++) {
    const JaJingleMessageContent *a = g_ptr_array_index (msg->contents, i);
    const JaJingleMessageContent *b = g_ptr_array_index (again->contents, i);

    g_assert (strcmp (a->name, b->name) == 0);
    g_assert (a->creator == b->creator && a->senders == b->senders);
    g_assert ((a->transport == NULL) == (b->transport == NULL));
  }
  return 0;
}
