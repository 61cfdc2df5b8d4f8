#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void
test_new(void **state)
{
	char a[INC_ID_LEN + 1], b[INC_ID_LEN + 1];

	(void)state;
	assert_int_equal(inc_id__new(a), 0);
	assert_int_equal(inc_id__new(b), 0);
	assert_int_equal(strlen(a), INC_ID_LEN);
	assert_true(inc_id__valid(a));
	assert_string_not_equal(a, b);
	/* no confusable letters, no upper case */
	assert_null(strpbrk(a, "iloIu"));
	assert_null(strpbrk(a, "ABCDEFGHJKMNPQRSTVWXYZ"));
}

static void
test_normalize(void **state)
{
	char out[INC_ID_LEN + 1];
	inc_error err = {0};

	(void)state;
	assert_int_equal(inc_id_normalize(out, sizeof(out), "7FK2Q", &err), 0);
	assert_string_equal(out, "7fk2q");
	assert_int_equal(inc_id_normalize(out, sizeof(out), "ilo0", &err), 0);
	assert_string_equal(out, "1100");
	assert_int_equal(inc_id_normalize(out, sizeof(out), "7fk-2", &err),
	                 INC_ENOTFOUND);
	assert_int_equal(inc_id_normalize(out, sizeof(out), "u1234", &err),
	                 INC_ENOTFOUND);
	assert_int_equal(inc_id_normalize(out, sizeof(out), "", &err),
	                 INC_EINVALID);
	assert_int_equal(
	        inc_id_normalize(out, sizeof(out), "0123456789abcdefg", &err),
	        INC_ENOTFOUND);
	assert_false(inc_id__valid("0123456789abcde"));
	assert_false(inc_id__valid("0123456789abcdeu"));
	assert_true(inc_id__valid("0123456789abcdef"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_new),
	        cmocka_unit_test(test_normalize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
