// The layering check's program: links one stage library whole with the stages it declares (see
// the root CMakeLists.txt). It is never run; that it links is the check.
int main() {
  return 0;
}
