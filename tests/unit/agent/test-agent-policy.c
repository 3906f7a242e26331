/* test-agent-policy.c — JaAgent's sender policy (who may offer us files)
 * and what it registers on a stream, without connecting: --from rules by
 * bare JID (any resource) and by full JID (that resource only), malformed
 * JIDs refused, and the Jingle file-transfer and IBB features advertised
 * for disco#info and caps. */
#include "agent/ja-agent.h"

#include "signalling/xmpp/ns.h"

static JaXmppStream *
new_stream (void)
{
  JaXmppStreamConfig cfg = { 0 };

  cfg.jid = (char *) "bob@localhost";
  cfg.password = (char *) "x";
  return ja_xmpp_stream_new (&cfg);
}

static void
test_allowed (void)
{
  g_autoptr (JaXmppStream) stream = new_stream ();
  g_autoptr (JaAgent) agent = ja_agent_new (stream);

  g_assert_false (ja_agent_is_allowed (agent, "alice@localhost/a"));
  ja_agent_allow (agent, "alice@localhost");
  ja_agent_allow (agent, "carol@localhost/desk");
  g_assert_true (ja_agent_is_allowed (agent, "alice@localhost/a"));
  g_assert_true (ja_agent_is_allowed (agent, "ALICE@localhost/b"));
  g_assert_true (ja_agent_is_allowed (agent, "carol@localhost/desk"));
  g_assert_false (ja_agent_is_allowed (agent, "carol@localhost/phone"));
  g_assert_false (ja_agent_is_allowed (agent, "mallory@localhost/a"));
  g_assert_false (ja_agent_is_allowed (agent, "alice@evil.example/a"));
  g_assert_false (ja_agent_is_allowed (agent, "@@bad"));
  g_assert_false (ja_agent_is_allowed (agent, ""));
  ja_agent_shutdown (agent);
}

static void
test_features (void)
{
  g_autoptr (JaXmppStream) stream = new_stream ();
  g_autoptr (JaAgent) agent = ja_agent_new (stream);
  const char *const *features = ja_xmpp_stream_get_features (stream);

  g_assert_true (g_strv_contains (features, JA_NS_JINGLE));
  g_assert_true (g_strv_contains (features, JA_NS_JINGLE_FT));
  g_assert_true (g_strv_contains (features, JA_NS_JINGLE_IBB));
  g_assert_true (g_strv_contains (features, JA_NS_IBB));
  g_assert_true (ja_agent_get_manager (agent) != NULL);
  ja_agent_shutdown (agent);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent/policy/allowed", test_allowed);
  g_test_add_func ("/agent/policy/features", test_features);
  return g_test_run ();
}
