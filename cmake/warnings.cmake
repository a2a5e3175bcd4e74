# Warnings are errors everywhere. The set is chosen so that both gcc and clang
# accept it unchanged.
set(OT_WARNINGS
  -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wformat=2 -Wvla -Wpointer-arith -Wundef -Wcast-align -Wwrite-strings
  -Wimplicit-fallthrough)
add_compile_options(${OT_WARNINGS})
add_compile_definitions(_POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)

if(OT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

if(OT_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "OT_FUZZ needs clang (libFuzzer)")
  endif()
  # Libraries get coverage instrumentation; each target links the fuzzer driver.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(OT_FUZZING=1)
endif()
