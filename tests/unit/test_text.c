#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "incident.h"

static void
check_sanitized(const char *in, bool keep, const char *want)
{
	char *got = inc_text_sanitize(in, keep);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_sanitize(void **state)
{
	(void)state;
	check_sanitized("plain text", false, "plain text");
	check_sanitized("caf\xc3\xa9 \xe2\x9c\x93", false,
	                "caf\xc3\xa9 \xe2\x9c\x93");
	/* an escape sequence that would turn the terminal red */
	check_sanitized("\x1b[31mred\x1b[m", false, "^[[31mred^[[m");
	check_sanitized("a\nb\tc", false, "a^Jb^Ic");
	check_sanitized("a\nb\tc", true, "a\nb\tc");
	check_sanitized("bell\x07 del\x7f", false, "bell^G del^?");
	/* C1 controls (CSI as one character) and bidi overrides */
	check_sanitized("\xc2\x9b"
	                "31m",
	                false, "\\u009b31m");
	check_sanitized("abc\xe2\x80\xae"
	                "fed",
	                false, "abc\\u202efed");
	/* invalid UTF-8 shows as bytes, never raw */
	check_sanitized("bad\xff!", false, "bad\\xff!");
	check_sanitized("\xef\xbf\xbd", false, "\xef\xbf\xbd");
}

static void
test_check(void **state)
{
	inc_error err = {0};
	char big[2000];

	(void)state;
	assert_int_equal(
	        inc_text_check("fine \xc3\xa9", 100, "the title", &err), 0);
	assert_int_equal(inc_text_check("bad\xc3", 100, "the title", &err),
	                 INC_EINVALID);
	assert_string_equal(err.message, "the title is not valid UTF-8");
	/* an overlong encoding of '/' is not valid UTF-8 either */
	assert_int_equal(inc_text_check("\xc0\xaf", 100, "the title", &err),
	                 INC_EINVALID);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(inc_text_check(big, 1000, "the title", &err),
	                 INC_EINVALID);
	assert_non_null(strstr(err.message, "too long"));
	big[1000] = '\0';
	assert_int_equal(inc_text_check(big, 1000, "the title", &err), 0);
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(inc_text_width("abc"), 3);
	assert_int_equal(inc_text_width("caf\xc3\xa9"), 4);
	/* CJK characters take two columns */
	assert_int_equal(inc_text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sanitize),
	        cmocka_unit_test(test_check),
	        cmocka_unit_test(test_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
