/* plugins.c — the one list of Jingle extensions (STYLE.md §3.6): each
 * plugin's public face is a const kind registered here. */
#include "plugins/plugins.h"

#include "plugins/file-transfer/ft-app.h"
#include "plugins/ibb/ibb-transport.h"
#include "plugins/ice-udp/ice-udp-transport.h"
#include "plugins/rtp/rtp-app.h"
#include "plugins/s5b/s5b-transport.h"

void
ja_plugins_register_all (JaJingleRegistry *registry)
{
  ja_jingle_registry_add_app (registry, &ja_ft_app_kind);
  ja_jingle_registry_add_app (registry, &ja_rtp_app_kind);
  /* Test hook: JINGLE_AGENT_TEST_NO_S5B=1 neither registers nor
   * advertises SOCKS5 bytestreams (a peer without XEP-0260). */
  if (g_strcmp0 (g_getenv ("JINGLE_AGENT_TEST_NO_S5B"), "1") != 0)
    ja_jingle_registry_add_transport (registry, &ja_s5b_transport_kind);
  ja_jingle_registry_add_transport (registry, &ja_ibb_transport_kind);
  ja_jingle_registry_add_transport (registry, &ja_ice_udp_transport_kind);
}
