import MimamoriClient

@main extension MimamoriCommand {}
