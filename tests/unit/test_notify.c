/* notify-keyspace-events: Redis's letters in, Redis's normalized string
 * out (keyspaceEventsStringToFlags / keyspaceEventsFlagsToString). */
#include <criterion/criterion.h>
#include <string.h>

#include "mr/notify.h"

static void roundtrip(const char *in, const char *out) {
    int f = mr_notify_parse(in);
    cr_assert_geq(f, 0, "'%s' refused", in);
    char buf[32];
    mr_notify_format(f, buf);
    cr_assert_str_eq(buf, out, "'%s'", in);
}

Test(notify, normalizes_like_redis) {
    roundtrip("", "");
    roundtrip("KEA", "AKE");
    roundtrip("Kx", "xK");
    roundtrip("A", "A");
    roundtrip("g$lshzxetd", "A"); /* every class of A spelled out */
    roundtrip("An", "A");         /* Redis prints no n next to A */
    roundtrip("Ezn", "znE");
    roundtrip("Km", "Km");
    roundtrip("EKmlsh$g", "g$lshKEm");
}

Test(notify, classes_of_A_exclude_m_and_n) {
    int f = mr_notify_parse("A");
    cr_assert(f & MR_NOTIFY_EXPIRED);
    cr_assert(f & MR_NOTIFY_EVICTED);
    cr_assert(!(f & MR_NOTIFY_KEY_MISS));
    cr_assert(!(f & MR_NOTIFY_NEW));
    cr_assert(!(f & MR_NOTIFY_KEYSPACE));
}

Test(notify, refuses_other_characters) {
    cr_assert_eq(mr_notify_parse("KQ"), -1);
    cr_assert_eq(mr_notify_parse("k"), -1);
    cr_assert_eq(mr_notify_parse(" "), -1);
}
