import MimamoriServer

@main extension MimamoriServerCommand {}
