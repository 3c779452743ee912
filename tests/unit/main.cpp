// main.cpp — Catch2's main for territoire_unit_tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
